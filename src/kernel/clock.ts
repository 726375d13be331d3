// The virtual clock and its event queue. Time is in milliseconds and only
// moves when the queue runs; events at the same time run in the order they
// were scheduled (a sequence number breaks ties), so every run is repeatable.

export type EventKind = "frame" | "timer";

export interface Timer {
  readonly at: number;
  cancelled: boolean;
}

interface QueuedEvent extends Timer {
  readonly seq: number;
  readonly kind: EventKind;
  readonly fn: () => void;
}

export class EventQueue {
  #now = 0;
  #seq = 0;
  #heap: QueuedEvent[] = [];

  get now(): number {
    return this.#now;
  }

  get size(): number {
    return this.#heap.length;
  }

  schedule(delayMs: number, fn: () => void, kind: EventKind = "timer"): Timer {
    const ev: QueuedEvent = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, kind, fn, cancelled: false };
    this.#push(ev);
    return ev;
  }

  /** The time of the next live event, or null when nothing is pending. */
  peekTime(): number | null {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop();
    return this.#heap.length > 0 ? this.#heap[0]!.at : null;
  }

  /** Runs the next event if it is due at or before `until`; false when there is none. */
  step(until = Infinity): { ran: boolean; kind?: EventKind } {
    const at = this.peekTime();
    if (at === null || at > until) return { ran: false };
    const ev = this.#pop()!;
    this.#now = ev.at;
    ev.fn();
    return { ran: true, kind: ev.kind };
  }

  advanceTo(t: number): void {
    if (t > this.#now) this.#now = t;
  }

  /** Drops every pending event of one kind (used to stop a broadcast storm). */
  cancelAll(kind: EventKind): number {
    let n = 0;
    for (const ev of this.#heap) {
      if (ev.kind === kind && !ev.cancelled) {
        ev.cancelled = true;
        n++;
      }
    }
    return n;
  }

  #less(a: QueuedEvent, b: QueuedEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(ev: QueuedEvent): void {
    const h = this.#heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): QueuedEvent | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
