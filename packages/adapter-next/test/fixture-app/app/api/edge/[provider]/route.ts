// What a user writes for the Edge runtime: the same gateway route, verified with Web Crypto
// (`@hookgate/adapter-next/edge`, or the package root, which resolves there in Edge bundles).
import { createConformanceGateway } from '@hookgate/testkit/gateway';
import { createNextRouteHandler } from '../../../../../../dist/edge.js';

export const runtime = 'edge';
export const { POST, GET, HEAD } = createNextRouteHandler(createConformanceGateway().gateway);
