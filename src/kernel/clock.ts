// The virtual clock and its event queue. Time is in milliseconds and only
// moves when the queue runs; events at the same time run in the order they
// were scheduled (a sequence number breaks ties), so every run is repeatable.

export type EventKind = "frame" | "timer";

export interface Timer {
  readonly at: number;
  cancelled: boolean;
}

export interface QueuedEvent extends Timer {
  readonly seq: number;
  readonly kind: EventKind;
  readonly fn: (arg: unknown) => void;
  /** What fn is called with: a frame hop carries its skb here instead of in a closure. */
  readonly arg: unknown;
  /** What set this chain of events going, when it is housekeeping a trace leaves out (see EventQueue.cause). */
  readonly cause: string | null;
}

export class EventQueue {
  private clock = 0;
  private seq = 0;
  private heap: QueuedEvent[] = [];
  /**
   * Frame hops, in the order they were scheduled. Every hop takes the same
   * delay and the clock never goes back, so they are due in this order too:
   * a first-in first-out list keeps them without the heap's cost (a bridge
   * flooding to a thousand ports schedules a thousand at once). popDue
   * merges it with the heap by (time, sequence number).
   */
  private frames: (QueuedEvent | undefined)[] = [];
  private framesHead = 0;
  /** The one delay every frame event takes (the first one scheduled sets it). */
  private frameDelay: number | null = null;
  /**
   * The cause of the event running now: an event scheduled while it runs
   * inherits it, so every frame and timer that descends from, say, a DAD
   * timer carries that timer's cause. null for what a command sets going.
   */
  cause: string | null = null;

  get now(): number {
    return this.clock;
  }

  /** Frame hops are waiting: the backlog a softirq drains before a kworker runs. */
  get framesPending(): boolean {
    return this.framesHead < this.frames.length;
  }

  get size(): number {
    return this.heap.length + this.frames.length - this.framesHead;
  }

  schedule<T>(delayMs: number, fn: (arg: T) => void, kind: EventKind = "timer", arg?: T, cause: string | null = this.cause): Timer {
    const delay = Math.max(0, delayMs);
    const ev: QueuedEvent = { at: this.clock + delay, seq: this.seq++, kind, fn: fn as (arg: unknown) => void, arg, cancelled: false, cause };
    if (kind === "frame" && (this.frameDelay ?? (this.frameDelay = delay)) === delay) this.frames.push(ev);
    else this.push(ev);
    return ev;
  }

  /** The next event by (time, sequence number), cancelled ones included; null when none is left. */
  private next(): QueuedEvent | null {
    const f = this.framesHead < this.frames.length ? this.frames[this.framesHead]! : null;
    const h = this.heap.length > 0 ? this.heap[0]! : null;
    if (!f) return h;
    if (!h) return f;
    return this.less(f, h) ? f : h;
  }

  /** Takes ev, the one next() returned, off its list. */
  private take(ev: QueuedEvent): void {
    if (this.framesHead < this.frames.length && this.frames[this.framesHead] === ev) {
      // The slot lets go of the event (and its frame) at once; the spent prefix goes now and then.
      this.frames[this.framesHead++] = undefined;
      if (this.framesHead === this.frames.length) {
        this.frames.length = 0;
        this.framesHead = 0;
      } else if (this.framesHead >= 65536 && this.framesHead * 2 >= this.frames.length) {
        this.frames = this.frames.slice(this.framesHead);
        this.framesHead = 0;
      }
    } else this.pop();
  }

  /** The time of the next live event, or null when nothing is pending. */
  peekTime(): number | null {
    for (let ev = this.next(); ev; ev = this.next()) {
      if (!ev.cancelled) return ev.at;
      this.take(ev);
    }
    return null;
  }

  /**
   * Takes the next live event due at or before `until` (and of `kind`, when
   * given) off the queue and moves the clock to it; the caller runs it. null
   * when there is none.
   */
  popDue(until = Infinity, kind?: EventKind): QueuedEvent | null {
    for (let top = this.next(); top; top = this.next()) {
      if (top.cancelled) {
        this.take(top);
        continue;
      }
      if (top.at > until || (kind && top.kind !== kind)) return null;
      this.take(top);
      this.clock = top.at;
      return top;
    }
    return null;
  }

  /** Runs the next event if it is due at or before `until`; false when there is none. */
  step(until = Infinity): boolean {
    const ev = this.popDue(until);
    if (!ev) return false;
    this.run(ev);
    return true;
  }

  /** Runs a popped event under its own cause (within's body, written out: no closure per event on the hot path). */
  run(ev: QueuedEvent): void {
    const outer = this.cause;
    this.cause = ev.cause;
    try {
      ev.fn(ev.arg);
    } finally {
      this.cause = outer;
    }
  }

  /** Runs fn under a cause: a work item that drains a queue runs each entry under the cause that queued it. */
  within(cause: string | null, fn: () => void): void {
    const outer = this.cause;
    this.cause = cause;
    try {
      fn();
    } finally {
      this.cause = outer;
    }
  }

  advanceTo(t: number): void {
    if (t > this.clock) this.clock = t;
  }

  /** Drops every pending event of one kind (used to stop a broadcast storm). */
  cancelAll(kind: EventKind): number {
    let n = 0;
    for (const ev of [...this.heap, ...this.frames.slice(this.framesHead)]) {
      if (ev && ev.kind === kind && !ev.cancelled) {
        ev.cancelled = true;
        n++;
      }
    }
    return n;
  }

  private less(a: QueuedEvent, b: QueuedEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(ev: QueuedEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!this.less(ev, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  private pop(): QueuedEvent | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    const n = h.length;
    if (n > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && this.less(h[r]!, h[l]!) ? r : l;
        if (!this.less(h[m]!, last)) break;
        h[i] = h[m]!;
        i = m;
      }
      h[i] = last;
    }
    return top;
  }
}
