// The adapter conformance suite on Cloudflare's workerd (npm `workerd`): Web Crypto, no node:
// built-ins, no nodejs_compat flag.
import { describeConformance } from '@hookgate/testkit/conformance';
import { presets } from './preset-cases.js';
import { expect, it } from 'vitest';
import { type RuntimeServer, startRuntime } from './runtimes.js';

let server: RuntimeServer | undefined;

describeConformance(
  'Hono on workerd (Cloudflare Workers runtime)',
  async () => {
    server = await startRuntime('workerd');
    return server;
  },
  { inProcess: false, presets },
);

it('bundles Hookgate for workerd without a node: import (core loads on Web Crypto)', () => {
  expect(server?.bundleImports).toEqual([]);
});
