import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources: resolve core's own `#crypto` import (package.json `imports`,
// which points at dist/) to the node:crypto source, so no build is needed first.
// web-crypto.test.ts swaps in crypto-web.ts with vi.mock('#crypto').
export default defineConfig({
  resolve: { alias: { '#crypto': fileURLToPath(new URL('./src/crypto-node.ts', import.meta.url)) } },
});
