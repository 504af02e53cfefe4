// What a user writes: a gateway served from the `[provider]` dynamic segment, Node.js runtime.
import { createNextRouteHandler } from '../../../../../../dist/index.js';
import { createConformanceGateway } from '@hookgate/testkit';

export const runtime = 'nodejs';
export const { POST, GET, HEAD } = createNextRouteHandler(createConformanceGateway().gateway);
