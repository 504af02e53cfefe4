// Writes schema/webhooks-b.json from the built package (run `pnpm build` first; the
// `generate:schema` script does both). src/json-schema.test.ts fails when the file drifts.
import { writeFileSync } from 'node:fs';
import { webhooksBJsonSchema } from '../dist/index.js';

const target = new URL('../schema/webhooks-b.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(webhooksBJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
