import { defineConfig } from 'vitest/config';

// Loading a .ts config compiles it through tsx: seconds on a busy machine.
export default defineConfig({ test: { testTimeout: 60_000 } });
