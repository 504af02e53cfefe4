export { runCli, usage } from './cli.js';
export {
  sendCommand,
  demoCommand,
  demoPlan,
  registeredProvider,
  secretFor,
  formatResult,
  UsageError,
  type Io,
  type SendOptions,
  type PlannedDelivery,
} from './commands.js';
export { replayCommand } from './replay.js';
export { workerCommand, type WorkerCommandOptions } from './worker.js';
export { postDelivery, endpointFor, type SendResult } from './send.js';
export { sampleKit, signCase, caseBody, validSample, type SampleKit, type SampleCase, type SignedSample, type ExpectedOutcome } from './samples.js';
