/** How a batch answers: one settled result per key, in the order of the keys it was given. */
export type BatchRun<K, R> = (keys: K[]) => Promise<PromiseSettledResult<R>[]>;

interface Waiter<K, R> {
  key: K;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Gathers the keys that concurrent jobs submit into batches, so their database work is one
 * statement for many jobs instead of one per job. Nothing waits for a timer: a key submitted
 * while fewer than `maxInFlight` batches run starts a batch on the next turn of the event loop
 * (with whatever else arrived in that turn); keys submitted while batches are running gather into
 * the next one. Idle, a job waits one turn; under load, batches grow with the load.
 *
 * Each key settles on its own: `run` answers every key separately, so one key's failure fails
 * only that key's job. A `run` that throws fails every key of its batch.
 */
export class Coalescer<K, R> {
  private pending: Waiter<K, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: BatchRun<K, R>,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {}

  submit(key: K): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ key, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.opts.maxInFlight || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.opts.maxInFlight && this.pending.length > 0) {
        void this.flush(this.pending.splice(0, this.opts.maxBatch));
      }
    });
  }

  private async flush(batch: Waiter<K, R>[]): Promise<void> {
    this.inFlight++;
    try {
      const results = await this.run(batch.map((w) => w.key));
      batch.forEach((w, i) => {
        const r = results[i];
        if (!r) w.reject(new Error('batch gave no result for a key'));
        else if (r.status === 'fulfilled') w.resolve(r.value);
        else w.reject(r.reason);
      });
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
