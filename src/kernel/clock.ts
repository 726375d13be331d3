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
   * The cause of the event running now: an event scheduled while it runs
   * inherits it, so every frame and timer that descends from, say, a DAD
   * timer carries that timer's cause. null for what a command sets going.
   */
  cause: string | null = null;

  get now(): number {
    return this.clock;
  }

  get size(): number {
    return this.heap.length;
  }

  schedule<T>(delayMs: number, fn: (arg: T) => void, kind: EventKind = "timer", arg?: T, cause: string | null = this.cause): Timer {
    const ev: QueuedEvent = { at: this.clock + Math.max(0, delayMs), seq: this.seq++, kind, fn: fn as (arg: unknown) => void, arg, cancelled: false, cause };
    this.push(ev);
    return ev;
  }

  /** The time of the next live event, or null when nothing is pending. */
  peekTime(): number | null {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap.length > 0 ? this.heap[0]!.at : null;
  }

  /**
   * Takes the next live event due at or before `until` (and of `kind`, when
   * given) off the queue and moves the clock to it; the caller runs it. null
   * when there is none.
   */
  popDue(until = Infinity, kind?: EventKind): QueuedEvent | null {
    const h = this.heap;
    while (h.length > 0) {
      const top = h[0]!;
      if (top.cancelled) {
        this.pop();
        continue;
      }
      if (top.at > until || (kind && top.kind !== kind)) return null;
      this.pop();
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

  /** Runs a popped event under its own cause. */
  run(ev: QueuedEvent): void {
    this.within(ev.cause, () => ev.fn(ev.arg));
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
    for (const ev of this.heap) {
      if (ev.kind === kind && !ev.cancelled) {
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
