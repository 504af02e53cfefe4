// The mistake the adapter must diagnose: Next's body parser left on, so the raw bytes are gone.
import { createNextPagesHandler } from '../../../../dist/index.js';
import { createConformanceGateway } from '@hookgate/testkit';

export default createNextPagesHandler(createConformanceGateway().gateway.handler('pylon')!);
