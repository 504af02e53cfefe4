import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One row of `results.json`: a figure, its baseline (same run) and whether the target is met. */
export interface BenchResult {
  /** Stable id, e.g. `core.pylon.verify.vs-floor`. */
  name: string;
  /** The measured figure (ops/s, deliveries/s, ms, bytes …). */
  value: number;
  unit: string;
  /** The baseline's figure in the same run, or null for absolute targets (p95, deliveries/s). */
  baseline: number | null;
  /** Name of what the baseline is. */
  baselineName: string | null;
  /** `value / baseline` (higher is better), or null for absolute targets. */
  ratio: number | null;
  /** The target as text: `>= 0.95x`, `p95 < 150 ms`, `>= 5000/s`. */
  target: string;
  met: boolean;
  /** Rounds the figure is the median of, and what else a reader needs. */
  note?: string;
}

/** The file `pnpm bench` writes. */
export interface BenchReport {
  machine: string;
  node: string;
  date: string;
  results: BenchResult[];
}

/**
 * A short description of this machine for the report.
 *
 * @example
 * ```ts
 * machineDescription(); // 'Intel(R) Xeon(R) Processor, 2 cores, 23 GiB'
 * ```
 */
export function machineDescription(): string {
  const list = cpus();
  return `${list[0]?.model ?? 'unknown CPU'}, ${list.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}`;
}

/**
 * Merges new rows into `results.json`, so one section can be re-run without losing the others:
 * earlier rows with the same name, or whose name starts with one of `replacePrefixes` (the
 * re-run section's), are dropped. Rows are kept in section order.
 *
 * @example
 * ```ts
 * saveResults(new URL('../results.json', import.meta.url), rows);
 * ```
 */
export function saveResults(file: URL, rows: readonly BenchResult[], replacePrefixes: readonly string[] = []): BenchReport {
  let previous: BenchResult[] = [];
  try {
    previous = (JSON.parse(readFileSync(file, 'utf8')) as BenchReport).results;
  } catch {
    // First run: nothing to merge.
  }
  const names = new Set(rows.map((row) => row.name));
  const report: BenchReport = {
    machine: machineDescription(),
    node: process.version,
    date: new Date().toISOString(),
    results: [...previous.filter((row) => !names.has(row.name) && !replacePrefixes.some((prefix) => row.name.startsWith(prefix))), ...rows].sort(
      (a, b) => sectionRank(a.name) - sectionRank(b.name),
    ),
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

const SECTION_ORDER = ['core.', 'peer.', 'http.', 'store.', 'memory.'];

function sectionRank(name: string): number {
  const rank = SECTION_ORDER.findIndex((prefix) => name.startsWith(prefix));
  return rank < 0 ? SECTION_ORDER.length : rank;
}

/**
 * Formats rows as a Markdown table (the one in `bench/README.md`).
 *
 * @example
 * ```ts
 * console.log(markdownTable(report.results));
 * ```
 */
export function markdownTable(rows: readonly BenchResult[]): string {
  const lines = ['| figure | value | baseline (same run) | ratio | target | met |', '|---|---:|---|---:|---|:-:|'];
  for (const row of rows) {
    const baseline = row.baseline === null ? '—' : `${row.baselineName}: ${formatNumber(row.baseline)} ${row.unit}`;
    const ratio = row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`;
    lines.push(`| ${row.name} | ${formatNumber(row.value)} ${row.unit} | ${baseline} | ${ratio} | ${row.target} | ${row.met ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

/**
 * Rounds for display: three significant digits, thousands separated.
 *
 * @example
 * ```ts
 * formatNumber(190234.7); // '190,000'
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(Number(value.toPrecision(3))).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/**
 * Replaces the text between `<!-- results:start -->` and `<!-- results:end -->` in the README.
 *
 * @example
 * ```ts
 * updateReadme(new URL('../README.md', import.meta.url), report);
 * ```
 */
export function updateReadme(file: URL, report: BenchReport): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  const body = [
    '',
    `Machine: ${report.machine} · Node ${report.node} · ${report.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    markdownTable(report.results),
    '',
  ].join('\n');
  writeFileSync(file, text.slice(0, from + start.length) + body + text.slice(to));
}
