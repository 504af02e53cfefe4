export * from './hookgate-plugin.js';
