// The adapter conformance suite on Deno (npm `deno`): its node:crypto, so verification stays synchronous.
import { describeConformance } from '@hookgate/testkit/conformance';
import { presets } from './preset-cases.js';
import { startRuntime } from './runtimes.js';

describeConformance('Hono on Deno (npm deno)', () => startRuntime('deno'), { inProcess: false, presets });
