// `@hookgate/core/provider`: what a provider package is built from beyond `defineProvider`
// (parsing with a provider's rules, form-encoded bodies, signed-message templates, prepared secrets, and the
// ahead-of-time validator generator behind a provider's `fastParse`).
export { isFormRequest, readFormBody, withFormBodies, type FormBody, type FormToJson } from './form-body.js';
export { lazyParser, parseWithProvider } from './provider.js';
export { compileTemplate, type MessageTemplate, type TemplateBuildResult, type TemplateContext } from './message-template.js';
export { prepareSecrets } from './secrets.js';
export type { FastParse, FastParseResult } from './standard-schema.js';
export { generateValidatorModule, type JsonSchema, type ValidatorModuleOptions, type ValidatorSource } from './validator-codegen.js';
