// Writes schema/<EventName>.json from the built package (run `pnpm build` first; the
// `generate:schema` script does both). src/json-schema.test.ts fails when a file drifts.
import { writeFileSync } from 'node:fs';
import { pylonJsonSchemas } from '../dist/index.js';

for (const [name, schema] of Object.entries(pylonJsonSchemas())) {
  const target = new URL(`../schema/${name}.json`, import.meta.url);
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}
