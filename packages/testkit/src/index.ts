// Runner-free helpers; the Vitest suite itself is the `@hookgate/testkit/conformance` entry.
export * from './kit.js';
export * from './provider-cases.js';
export { announced, startScript, type StartedScript } from './child-process.js';
