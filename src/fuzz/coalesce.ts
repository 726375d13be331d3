// Several shrinkers at once share the real kernels: what each asks for while
// a run is going on waits for the next run, and that run takes all of it, so
// one round of kernel boots serves every difference being shrunk.

/** Runs items in batches: submit() resolves with the answers to its own items, in their order. */
export class Coalescer<In, Out> {
  private queue: { items: In[]; resolve: (out: Out[]) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly run: (items: In[]) => Promise<Out[]>) {}

  submit(items: In[]): Promise<Out[]> {
    if (!items.length) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      // Let the other shrinkers' requests of this round arrive before the run starts.
      if (!this.running) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.running || !this.queue.length) return;
    this.running = true;
    const taken = this.queue;
    this.queue = [];
    try {
      const out = await this.run(taken.flatMap((t) => t.items));
      let k = 0;
      for (const t of taken) {
        t.resolve(out.slice(k, k + t.items.length));
        k += t.items.length;
      }
    } catch (e) {
      for (const t of taken) t.reject(e);
    } finally {
      this.running = false;
      if (this.queue.length) setImmediate(() => void this.drain());
    }
  }
}
