import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openStore } from '@hookgate/store';
import pg from 'pg';
import { median } from './harness.js';
import type { BenchResult } from './results.js';
import { loadWithAcks } from './support/load.js';
import { createTemporaryDatabase } from './support/postgres.js';
import { deliveryKeyOf, type SignedDelivery, signedDelivery } from './support/signed-deliveries.js';

/** Options of {@link runScaleOutBench}. */
export interface ScaleOutOptions {
  /** Gateway process counts to measure, e.g. [1, 2, 4]. */
  processCounts: readonly number[];
  rounds: number;
  /** Seconds of load per process count per round. */
  seconds: number;
  /** HTTP connections in total, split evenly across the processes. */
  connections: number;
  /** Where the chart goes (an SVG file). */
  chartFile: URL;
}

/** What one process count did in one round. */
export interface ScaleOutSample {
  processes: number;
  /** Requests answered 2xx per second (handled + duplicate), all processes together. */
  ackedPerSecond: number;
  requests: number;
  statuses: Record<number, number>;
  /** Keys sent twice (each copy to a different process when there are several). */
  duplicateKeys: number;
  /** Keys acknowledged 2xx with no `handled` row in the database. */
  lost: number;
  /** Keys whose listener ran more than once across all processes. */
  dispatchedTwice: number;
  /** Keys stored `handled` more than once. */
  handledTwice: number;
}

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Requests per process count and round at most (bounded load), split across the processes. */
const MAX_REQUESTS = 80_000;

interface Child {
  url: string;
  report(): Promise<Map<string, number>>;
  kill(): Promise<void>;
}

function startChild(databaseUrl: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/support/scale-out-child.ts', databaseUrl], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let output = '';
    // Generous: on a shared machine at load 15+, tsx alone can take half a minute to start.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scale-out child did not start within 120 s: ${output}`));
    }, 120_000);
    child.once('exit', (code) => reject(new Error(`scale-out child exited with ${String(code)} before READY: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        report: () =>
          new Promise((done) => {
            child.once('message', (message) => done(new Map((message as { dispatched: Array<[string, number]> }).dispatched)));
            child.send('report');
          }),
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
      });
    });
  });
}

/**
 * Delivery `c` of load instance `index` among `count`: even `c` is the instance's own key, odd
 * `c` a copy of its neighbour's (so with several processes every key reaches two of them). A
 * copy is the same signed request, byte for byte, as a provider's retry would be: signed once
 * and kept in `signed`.
 */
function deliveryFor(signed: Map<string, SignedDelivery>, runId: string, index: number, count: number, c: number): SignedDelivery {
  const owner = c % 2 === 0 ? index : (index + 1) % count;
  const id = `${owner}:${c >> 1}`;
  let delivery = signed.get(id);
  if (delivery === undefined) {
    delivery = signedDelivery(c >> 1, { prefix: '/webhooks', runId: `${runId}-${owner}`, mix: true });
    signed.set(id, delivery);
  }
  return delivery;
}

async function measure(databaseUrl: string, processes: number, options: ScaleOutOptions, round: number): Promise<ScaleOutSample> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const children: Child[] = [];
  try {
    await admin.query('truncate hookgate_deliveries, hookgate_dedupe');
    const started = await Promise.allSettled(Array.from({ length: processes }, () => startChild(databaseUrl)));
    for (const result of started) if (result.status === 'fulfilled') children.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason; // the finally kills the ones that started
    const runId = `s${processes}r${round}${Date.now().toString(36)}`;
    const signed = new Map<string, SignedDelivery>();
    const perProcess = Math.max(1, Math.floor(options.connections / processes));
    const perInstance = Math.floor(MAX_REQUESTS / processes);
    // Signed before the load starts (the generator shares the 2 cores), then 1 s of warm-up per
    // process on keys of its own (JIT, pooled connections), not counted.
    for (let index = 0; index < processes; index++) for (let c = 0; c < perInstance; c++) deliveryFor(signed, runId, index, processes, c);
    await Promise.all(
      children.map((child, index) =>
        loadWithAcks({
          url: child.url,
          connections: perProcess,
          durationSeconds: 1,
          maxRequests: 20_000,
          keepAcks: false,
          delivery: (c) => signedDelivery(c, { prefix: '/webhooks', runId: `${runId}-warm${index}`, mix: true }),
        }),
      ),
    );
    const loadStarted = performance.now();
    const loads = await Promise.all(
      children.map((child, index) =>
        loadWithAcks({
          url: child.url,
          connections: perProcess,
          durationSeconds: options.seconds,
          maxRequests: perInstance,
          delivery: (c) => deliveryFor(signed, runId, index, processes, c),
        }),
      ),
    );
    const seconds = (performance.now() - loadStarted) / 1000;
    const statuses: Record<number, number> = {};
    const acked = new Set<string>();
    const sent = new Map<string, number>();
    let requests = 0;
    for (const [index, load] of loads.entries()) {
      requests += load.sent;
      for (const [status, count] of Object.entries(load.statuses)) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + count;
      for (const key of load.acked.keys()) acked.add(key);
      for (let c = 0; c < load.sent; c++) {
        const key = deliveryFor(signed, runId, index, processes, c).key;
        sent.set(key, (sent.get(key) ?? 0) + 1);
      }
    }
    const dispatched = new Map<string, number>();
    for (const report of await Promise.all(children.map((child) => child.report()))) {
      for (const [key, count] of report) dispatched.set(key, (dispatched.get(key) ?? 0) + count);
    }
    const handled = new Map<string, number>();
    for (const row of (await admin.query<{ body: string }>(`select body from hookgate_deliveries where status = 'handled'`)).rows) {
      const key = deliveryKeyOf(row.body);
      if (key !== null) handled.set(key, (handled.get(key) ?? 0) + 1);
    }
    const ackedCount = Object.entries(statuses).reduce((sum, [status, count]) => (Number(status) < 300 ? sum + count : sum), 0);
    return {
      processes,
      ackedPerSecond: ackedCount / seconds,
      requests,
      statuses,
      duplicateKeys: [...sent.values()].filter((count) => count > 1).length,
      lost: [...acked].filter((key) => !handled.has(key)).length,
      dispatchedTwice: [...dispatched.values()].filter((count) => count > 1).length,
      handledTwice: [...handled.values()].filter((count) => count > 1).length,
    };
  } finally {
    await Promise.all(children.map((child) => child.kill()));
    await admin.end();
  }
}

/**
 * The scale-out figure: 1, 2, 4 … gateway processes (Fastify + the PostgreSQL store) on one
 * PostgreSQL database, loaded over loopback by one autocannon instance per process in this
 * process (so the load generator shares the machine with the gateways), `options.connections`
 * connections in total. Every key is sent twice, each copy to a different process when there
 * are several. Checks, per process count and round: every key acknowledged 2xx is stored
 * `handled` (0 lost), no key stored `handled` twice, no listener run twice across processes.
 * Writes the chart (an SVG) to `options.chartFile`.
 *
 * @example
 * ```ts
 * const rows = await runScaleOutBench({ processCounts: [1, 2, 4], rounds: 3, seconds: 5, connections: 32, chartFile: new URL('../scale-out.svg', import.meta.url) });
 * ```
 */
export async function runScaleOutBench(options: ScaleOutOptions): Promise<BenchResult[]> {
  const database = await createTemporaryDatabase('scale');
  const samples: ScaleOutSample[] = [];
  try {
    await (await openStore(database.url())).close(); // migrate once, before the processes start
    for (let round = 0; round < options.rounds; round++) {
      // Order reversed every other round, so a drift in machine load hits every count alike.
      const counts = round % 2 === 0 ? options.processCounts : [...options.processCounts].reverse();
      for (const processes of counts) {
        const sample = await measure(database.url(), processes, options, round);
        samples.push(sample);
        console.log(
          `  round ${round + 1}, ${processes} process(es): ${Math.round(sample.ackedPerSecond)} acked/s, statuses ${JSON.stringify(sample.statuses)}, ` +
            `lost ${sample.lost}, dispatched twice ${sample.dispatchedTwice}, handled twice ${sample.handledTwice} (load ${loadavg()[0]!.toFixed(1)})`,
        );
      }
    }
  } finally {
    await database.drop();
  }
  const single = samples.filter((sample) => sample.processes === options.processCounts[0]);
  const rows = options.processCounts.map((processes): BenchResult => {
    const mine = samples.filter((sample) => sample.processes === processes);
    const ratios = mine.map((sample, index) => sample.ackedPerSecond / single[index]!.ackedPerSecond);
    const failures = mine.reduce(
      (sum, sample) => sum + sample.lost + sample.dispatchedTwice + sample.handledTwice + (sample.statuses[500] ?? 0) + (sample.statuses[503] ?? 0),
      0,
    );
    return {
      name: `scale.postgres ${processes} gateway process${processes === 1 ? '' : 'es'}: deliveries acked/s`,
      value: median(mine.map((sample) => sample.ackedPerSecond)),
      unit: 'deliveries/s',
      baseline: median(single.map((sample) => sample.ackedPerSecond)),
      baselineName: `${options.processCounts[0]} process`,
      ratio: median(ratios),
      target: '0 lost, each key dispatched once',
      met: failures === 0,
      note:
        `Fastify + PostgreSQL store per process, ${options.connections} connections in total, ${options.seconds} s, ${options.rounds} rounds; ` +
        `per round: ${mine.map((sample) => `${Math.round(sample.ackedPerSecond)}/s ${JSON.stringify(sample.statuses)} dup keys ${sample.duplicateKeys} lost ${sample.lost} twice ${sample.dispatchedTwice}`).join('; ')}`,
    };
  });
  writeFileSync(options.chartFile, scaleOutChart(samples, options));
  return rows;
}

/**
 * The scale-out chart as SVG text: one bar per process count (the median over rounds), each
 * round's figure as a dot, the checks under each bar.
 *
 * @example
 * ```ts
 * writeFileSync('scale-out.svg', scaleOutChart(samples, options));
 * ```
 */
export function scaleOutChart(
  samples: readonly ScaleOutSample[],
  options: Pick<ScaleOutOptions, 'processCounts' | 'connections' | 'seconds' | 'rounds'>,
): string {
  const width = 560;
  const height = 340;
  const left = 70;
  const bottom = 270;
  const top = 50;
  const peak = Math.max(...samples.map((sample) => sample.ackedPerSecond), 1);
  const step = niceStep(peak / 5);
  const axisMax = Math.ceil(peak / step) * step;
  const y = (value: number) => bottom - ((bottom - top) * value) / axisMax;
  const slot = (width - left - 20) / options.processCounts.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    '<title>Deliveries acknowledged per second by 1, 2 and 4 gateway processes on one PostgreSQL</title>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">Gateway processes on one PostgreSQL: deliveries acknowledged/s</text>`,
    `<text x="${width / 2}" y="38" text-anchor="middle" fill="#555">loopback, ${options.connections} connections in total, load generator on the same 2 cores; bar = median of ${options.rounds} rounds, dots = rounds</text>`,
  ];
  for (let value = 0; value <= axisMax; value += step) {
    parts.push(`<line x1="${left}" x2="${width - 20}" y1="${y(value)}" y2="${y(value)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 6}" y="${y(value) + 4}" text-anchor="end">${value.toLocaleString('en-US')}</text>`);
  }
  options.processCounts.forEach((processes, index) => {
    const mine = samples.filter((sample) => sample.processes === processes);
    if (mine.length === 0) return;
    const value = median(mine.map((sample) => sample.ackedPerSecond));
    const x = left + slot * index + slot * 0.2;
    const barWidth = slot * 0.6;
    parts.push(`<rect x="${x}" y="${y(value)}" width="${barWidth}" height="${bottom - y(value)}" fill="#3b6ea8"/>`);
    parts.push(
      `<text x="${x + barWidth / 2}" y="${y(value) - 6}" text-anchor="middle" font-weight="bold">${Math.round(value).toLocaleString('en-US')}/s</text>`,
    );
    mine.forEach((sample, round) => {
      parts.push(`<circle cx="${x + barWidth * ((round + 1) / (mine.length + 1))}" cy="${y(sample.ackedPerSecond)}" r="3" fill="#f0a030" stroke="#333"/>`);
    });
    const lost = mine.reduce((sum, sample) => sum + sample.lost, 0);
    const twice = mine.reduce((sum, sample) => sum + sample.dispatchedTwice, 0);
    parts.push(
      `<text x="${x + barWidth / 2}" y="${bottom + 18}" text-anchor="middle" font-weight="bold">${processes} process${processes === 1 ? '' : 'es'}</text>`,
    );
    parts.push(`<text x="${x + barWidth / 2}" y="${bottom + 34}" text-anchor="middle" fill="#555">lost ${lost} · dispatched twice ${twice}</text>`);
  });
  parts.push(`<line x1="${left}" x2="${width - 20}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= raw) return factor * power;
  return 10 * power;
}
