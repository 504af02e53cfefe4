export { runCli, USAGE } from './cli.js';
export { sendCommand, demoCommand, demoPlan, UsageError, type Io, type SendOptions, type PlannedDelivery } from './commands.js';
export { replayCommand } from './replay.js';
export { postDelivery, endpointFor, type SendResult } from './send.js';
export { resolveSecret, secretEnvName } from './secrets.js';
export { SAMPLE_PROVIDERS, selectVariants, uniqueSampleBody, type SampleProvider, type SignedSample } from './samples.js';
