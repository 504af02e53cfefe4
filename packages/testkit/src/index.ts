export { announced, startScript, type StartedScript } from './child-process.js';
