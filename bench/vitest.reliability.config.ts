import { defineConfig } from 'vitest/config';

// The reliability suite runs in CI on 2 cores: one file at a time (each saturates the machine),
// every scenario bounded in requests and seconds.
export default defineConfig({
  test: {
    include: ['test/**/*.reliability.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
