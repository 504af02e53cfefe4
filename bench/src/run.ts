import { runCoreBench } from './core-bench.js';
import { markdownTable, saveResults, updateReadme, type BenchResult } from './results.js';

/**
 * `pnpm bench [section…]`: runs the named sections (default: all) and merges their rows into
 * `results.json` and the README table. Sections: core, http, store, memory, scale.
 * Environment: BENCH_ROUNDS (default 5), BENCH_QUICK=1 (short runs, for trying the bench out).
 */
const SECTIONS = ['core', 'http', 'store', 'memory', 'scale'] as const;
type Section = (typeof SECTIONS)[number];
/** Row-name prefixes each section owns: a re-run replaces all of them (no stale rows). */
const SECTION_PREFIXES: Record<Section, readonly string[]> = {
  core: ['core.', 'peer.'],
  http: ['http.'],
  store: ['store.'],
  memory: ['memory.'],
  scale: ['scale.'],
};

const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((arg) => !(SECTIONS as readonly string[]).includes(arg));
if (unknown.length > 0) {
  console.error(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  process.exit(2);
}
const sections: readonly Section[] = requested.length > 0 ? (requested as Section[]) : SECTIONS;
const quick = process.env.BENCH_QUICK === '1';
const rounds = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));

const resultsFile = new URL('../results.json', import.meta.url);
const readmeFile = new URL('../README.md', import.meta.url);

async function runSection(section: Section): Promise<BenchResult[]> {
  switch (section) {
    case 'core':
      return (await runCoreBench({ rounds, millisecondsPerCandidate: quick ? 60 : 300 })).rows;
    case 'http': {
      const { runHttpBench } = await import('./http-bench.js');
      const { runRetentionBench } = await import('./retention-bench.js');
      const overHttp = await runHttpBench({ rounds, seconds: quick ? 2 : 5 });
      return [...overHttp, ...(await runRetentionBench({ rounds, millisecondsPerCandidate: quick ? 60 : 300 }))];
    }
    case 'store': {
      const { runStoreBench } = await import('./store-bench.js');
      return runStoreBench({ rounds, seedRows: quick ? 50_000 : 1_000_000, recordSeconds: quick ? 2 : 5 });
    }
    case 'memory': {
      const { runMemoryBench } = await import('./memory-bench.js');
      return runMemoryBench({ deliveries: quick ? 50_000 : 1_000_000 });
    }
    case 'scale': {
      const { runScaleOutBench } = await import('./scale-out-bench.js');
      return runScaleOutBench({
        processCounts: [1, 2, 4],
        rounds: quick ? 1 : Math.min(rounds, 3),
        seconds: quick ? 3 : 6,
        connections: 32,
        chartFile: new URL('../scale-out.svg', import.meta.url),
      });
    }
  }
}

const rows: BenchResult[] = [];
for (const section of sections) {
  const started = performance.now();
  console.log(`\n# ${section}`);
  const sectionRows = await runSection(section);
  console.log(markdownTable(sectionRows));
  console.log(`(${section}: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  rows.push(...sectionRows);
  // Saved after every section, so a later failure loses nothing already measured.
  updateReadme(readmeFile, saveResults(resultsFile, sectionRows, SECTION_PREFIXES[section]));
}
const missed = rows.filter((row) => !row.met);
console.log(`\n${rows.length} figures, ${missed.length} target(s) missed${missed.length ? `: ${missed.map((row) => row.name).join(', ')}` : ''}`);
