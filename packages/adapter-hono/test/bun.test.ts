// The adapter conformance suite on Bun (npm `bun`): node:crypto, so verification stays synchronous.
import { describeConformance } from '@hookgate/testkit/conformance';
import { presets } from './preset-cases.js';
import { startRuntime } from './runtimes.js';

describeConformance('Hono on Bun (npm bun)', () => startRuntime('bun'), { inProcess: false, presets });
