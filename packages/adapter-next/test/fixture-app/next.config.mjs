import { fileURLToPath } from 'node:url';

// The app imports workspace packages (the conformance kit among them) from outside its folder:
// let the bundler and output tracing see the whole monorepo.
const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** @type {import('next').NextConfig} */
export default {
  outputFileTracingRoot: root,
  turbopack: { root },
};
