/**
 * Gathers the calls made in one event-loop turn and runs them as one batch (one transaction,
 * one commit); each call settles with its batch. When a batch fails, its items run again one
 * by one, so one bad item (or two items that cannot share a statement) fails alone.
 *
 * @example
 * ```ts
 * const batcher = new TurnBatch<Row>((rows) => insertAll(rows), 500);
 * await batcher.add(row); // resolves once the commit that holds it is durable
 * ```
 */
export class TurnBatch<T> {
  readonly #run: (items: T[]) => Promise<void>;
  readonly #max: number;
  #pending: Array<{ item: T; resolve(): void; reject(error: unknown): void }> = [];
  #scheduled = false;

  constructor(run: (items: T[]) => Promise<void>, max: number) {
    this.#run = run;
    this.#max = max;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#max);
      try {
        await this.#run(batch.map((entry) => entry.item));
        for (const entry of batch) entry.resolve();
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        for (const entry of batch) await this.#run([entry.item]).then(entry.resolve, entry.reject);
      }
    }
  }
}
