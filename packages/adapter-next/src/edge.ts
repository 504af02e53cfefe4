// `@hookgate/adapter-next/edge` (and the package root under the `edge-light` condition, which
// Next.js uses for Edge bundles): the App Router route handlers without the Node.js-only pieces
// (Pages API handler, installSenderStamp), so an Edge route bundles no Node built-in.
export * from './route-handler.js';
export * from './sender-headers.js';
