// `@hookgate/core/adapter`: what a framework adapter is built from (routing, HTTP answers, the
// Node body reader and request/response loop). Applications use `@hookgate/core`.
export { isGateway, providerIdFromPath, resolveTarget, stripQuery, type WebhookTarget } from './adapter-routing.js';
export { unknownProvider } from './gateway.js';
export { methodNotAllowed, rawBodyUnavailable, toHttpResponse, type HttpResponse } from './http-response.js';
export { readNodeBody, type NodeBodySource, type ReadBodyResult } from './node-body.js';
export { createNodeListener, type NodeListenerOptions, type NodeRequest, type NodeResponse, type NodeRoute } from './node-listener.js';
export { refusal } from './outcome.js';
export { createFetchListener, toFetchResponse, type FetchRoute } from './fetch.js';
export { readWebBody } from './web-body.js';
