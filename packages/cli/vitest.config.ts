import { defineConfig } from 'vitest/config';

// Every runCli() call loads hookgate.config.ts through tsx (a compile per call): seconds on a
// busy machine, so tests that run the CLI several times need more than the 5 s default.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
