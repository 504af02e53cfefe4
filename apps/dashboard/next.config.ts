import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The monorepo root: workspace packages are symlinks into ../../packages, which Turbopack and
// output tracing must be allowed to read.
const workspaceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const nextConfig: NextConfig = {
  // Native / driver modules (and the store that loads them) stay plain Node imports: bundling
  // better-sqlite3's .node binary or pg's optional natives breaks them. Core is external too, so
  // the store, the app and the provider packages share one copy (one HookgateError class). The
  // providers themselves are bundled from the registry (../../hookgate.config.ts), so adding one
  // there needs no change here.
  // tsx (lib/registry.ts loads a HOOKGATE_CONFIG .ts file with it at start) drives esbuild's
  // native binary, so it stays external too.
  serverExternalPackages: ['better-sqlite3', 'pg', '@hookgate/core', '@hookgate/store', 'tsx'],
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
  // The e2e servers run from a private copy of the build, so a concurrent `next build` cannot
  // swap chunks under them (see e2e/global-setup.ts).
  distDir: process.env.HOOKGATE_NEXT_DIST_DIR || '.next',
  // The published package serves a standalone build (`pnpm build:standalone`, see
  // scripts/build-standalone.mjs); `next start` keeps the ordinary one.
  ...(process.env.HOOKGATE_STANDALONE === '1' ? { output: 'standalone' as const } : {}),
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
