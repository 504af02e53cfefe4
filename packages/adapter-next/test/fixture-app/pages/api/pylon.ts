// Pages Router: one provider's handler, with Next's body parser off so the raw bytes arrive.
import { createNextPagesHandler } from '../../../../dist/index.js';
import { createConformanceGateway } from '@hookgate/testkit';

export const config = { api: { bodyParser: false } };
export default createNextPagesHandler(createConformanceGateway().gateway.handler('pylon')!);
