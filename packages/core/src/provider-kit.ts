// `@hookgate/core/provider`: what a provider package is built from beyond `defineProvider`
// (parsing with a provider's rules, signed-message templates, prepared secrets).
export { lazyParser, parseWithProvider } from './provider.js';
export { compileTemplate, type MessageTemplate, type TemplateBuildResult, type TemplateContext } from './message-template.js';
export { prepareSecrets } from './secrets.js';
