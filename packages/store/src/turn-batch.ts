/**
 * Options of {@link TurnBatch}.
 *
 * @example
 * ```ts
 * const options: TurnBatchOptions<PendingClaim> = { max: 512, key: (item) => item.key, sequential: false };
 * ```
 */
export interface TurnBatchOptions<T> {
  /** Most items one batch carries; the rest of the turn goes to further batches. */
  max: number;
  /**
   * Items with the same key never share a batch (an upsert cannot touch one row twice): the later
   * one goes to a further batch. `undefined` (or no `key`): no constraint.
   */
  key?: ((item: T) => string | undefined) | undefined;
  /** Run a turn's batches one after another instead of all at once. Default false. */
  sequential?: boolean | undefined;
}

/**
 * Gathers the items added in one event-loop turn and hands them to `flush` in batches (one
 * statement or transaction each, so one round trip and one commit for many calls). `flush`
 * settles each item itself (it knows what each call waits for); {@link awaitedBatch} is the
 * common case of one promise per item.
 *
 * @example
 * ```ts
 * const claims = new TurnBatch<PendingClaim>((batch) => flushClaims(batch), { max: 512, key: (item) => item.key });
 * claims.add(item); // flushed with the other claims of this turn
 * ```
 */
export class TurnBatch<T> {
  readonly #flush: (batch: T[]) => Promise<void>;
  readonly #options: TurnBatchOptions<T>;
  #pending: T[] = [];
  #scheduled = false;

  constructor(flush: (batch: T[]) => Promise<void>, options: TurnBatchOptions<T>) {
    this.#flush = flush;
    this.#options = options;
  }

  add(item: T): void {
    this.#pending.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate (not a microtask) so the calls of every request handled in this turn join.
    setImmediate(() => void this.#drain());
  }

  /** Runs `item` as a batch of its own, at once (a batch failed on one item's data). */
  addAlone(item: T): Promise<void> {
    return this.#flush([item]);
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    let rest = this.#pending;
    this.#pending = [];
    const { max, key: keyOf, sequential } = this.#options;
    while (rest.length > 0) {
      const batch: T[] = [];
      const later: T[] = [];
      const keys = new Set<string>();
      for (const item of rest) {
        const key = keyOf?.(item);
        if (batch.length >= max || (key !== undefined && keys.has(key))) {
          later.push(item);
          continue;
        }
        if (key !== undefined) keys.add(key);
        batch.push(item);
      }
      // `flush` settles its items and never rejects; a rejection would be a bug, not an outcome.
      if (sequential) await this.#flush(batch);
      else void this.#flush(batch);
      rest = later;
    }
  }
}

/**
 * A {@link TurnBatch} whose calls each wait for their batch: `run` gets the values of one
 * batch; every call resolves once `run` resolved (its commit is durable). When a batch of
 * several fails, each value runs again alone, so one bad value (or two that cannot share a
 * statement) fails only its own call. Batches run one after another.
 *
 * @example
 * ```ts
 * const enqueue = awaitedBatch<Row>((rows) => insertAll(rows), { max: 500 });
 * await enqueue(row); // resolves once the commit that holds it is durable
 * ```
 */
export function awaitedBatch<T>(run: (values: T[]) => Promise<void>, options: Omit<TurnBatchOptions<T>, 'sequential'>): (value: T) => Promise<void> {
  interface Call {
    value: T;
    resolve(): void;
    reject(error: unknown): void;
  }
  const batches = new TurnBatch<Call>(
    async (calls) => {
      try {
        await run(calls.map((call) => call.value));
        for (const call of calls) call.resolve();
      } catch (error) {
        if (calls.length === 1) {
          calls[0]!.reject(error);
          return;
        }
        for (const call of calls) await run([call.value]).then(call.resolve, call.reject);
      }
    },
    { max: options.max, key: options.key === undefined ? undefined : (call) => options.key!(call.value), sequential: true },
  );
  return (value) => new Promise<void>((resolve, reject) => batches.add({ value, resolve, reject }));
}
