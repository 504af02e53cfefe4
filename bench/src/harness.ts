/** One thing to time: sync or async, called with no arguments. */
export interface Candidate {
  readonly name: string;
  readonly fn: () => unknown;
}

/** Operations per CPU-second of each candidate, one value per round. */
export type RoundResults = Map<string, number[]>;

/** Options of {@link compareRounds}. */
export interface RoundOptions {
  /** Interleaved rounds; every ratio is taken within one round, then the median over rounds. */
  rounds: number;
  /** CPU time each candidate gets per round, in milliseconds. */
  millisecondsPerCandidate: number;
}

/** Where results go so the JIT cannot drop a call whose value is unused (never read on purpose). */
// biome-ignore lint/correctness/noUnusedVariables: written, never read, on purpose (see above)
let sink: unknown;

/** CPU time of this process in nanoseconds (user + system, all threads: GC work counts). */
function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

async function runBatch(fn: () => unknown, iterations: number, isAsync: boolean): Promise<number> {
  const started = cpuNow();
  if (isAsync) {
    for (let index = 0; index < iterations; index++) sink = await fn();
  } else {
    for (let index = 0; index < iterations; index++) sink = fn();
  }
  return cpuNow() - started;
}

/**
 * Times every candidate in interleaved rounds (A B C, B C A, C A B …) by **process CPU time**,
 * not wall time: on a shared 2-core machine other processes steal wall time at random, while
 * the CPU time this process spends per operation stays put. Ratios are computed per round and
 * the median taken afterwards — never a ratio of figures from different runs.
 *
 * @example
 * ```ts
 * const rounds = await compareRounds([{ name: 'a', fn: () => 1 }], { rounds: 5, millisecondsPerCandidate: 300 });
 * median(rounds.get('a')!); // ops per CPU-second
 * ```
 */
export async function compareRounds(candidates: readonly Candidate[], options: RoundOptions): Promise<RoundResults> {
  const results: RoundResults = new Map(candidates.map((candidate) => [candidate.name, []]));
  const plans = new Map<string, { iterations: number; isAsync: boolean }>();
  for (const candidate of candidates) {
    // A wrong candidate must fail loudly before we time it: a bench of an error path is worthless.
    const first = candidate.fn();
    const isAsync = first instanceof Promise;
    const value = await first;
    if (value === false || value === undefined || value === null) {
      throw new Error(`bench candidate "${candidate.name}" returned ${String(value)}: it is not verifying what we think`);
    }
    // Warm up (JIT tiers), then size a batch to ~10 ms of CPU so timer resolution is irrelevant.
    let iterations = 256;
    while ((await runBatch(candidate.fn, iterations, isAsync)) < 10e6 && iterations < 1 << 24) iterations *= 2;
    plans.set(candidate.name, { iterations, isAsync });
  }
  const budget = options.millisecondsPerCandidate * 1e6;
  for (let round = 0; round < options.rounds; round++) {
    for (let offset = 0; offset < candidates.length; offset++) {
      const candidate = candidates[(round + offset) % candidates.length]!;
      const plan = plans.get(candidate.name)!;
      let spent = 0;
      let operations = 0;
      while (spent < budget) {
        spent += await runBatch(candidate.fn, plan.iterations, plan.isAsync);
        operations += plan.iterations;
      }
      results.get(candidate.name)!.push((operations * 1e9) / spent);
    }
  }
  return results;
}

/**
 * The median of a non-empty list.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Median over rounds of `candidate / baseline`, both measured in the same round.
 *
 * @example
 * ```ts
 * ratioOf(rounds, 'hookgate', 'floor'); // e.g. 1.03
 * ```
 */
export function ratioOf(rounds: RoundResults, candidate: string, baseline: string): number {
  const a = rounds.get(candidate);
  const b = rounds.get(baseline);
  if (!a || !b) throw new Error(`no rounds for ${candidate} or ${baseline}`);
  return median(a.map((value, index) => value / b[index]!));
}

/**
 * The candidate (among `names`) with the highest median ops/s.
 *
 * @example
 * ```ts
 * fastestOf(rounds, ['octokit', 'stripe']); // 'octokit'
 * ```
 */
export function fastestOf(rounds: RoundResults, names: readonly string[]): string {
  let best = names[0]!;
  for (const name of names) if (median(rounds.get(name)!) > median(rounds.get(best)!)) best = name;
  return best;
}
