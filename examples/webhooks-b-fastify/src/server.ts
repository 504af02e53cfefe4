// `WEBHOOKS_B_SECRET=… pnpm --filter @hookgate/example-webhooks-b-fastify start`: serves
// POST http://127.0.0.1:3000/webhooks. PORT picks the port; HOST the address to bind (127.0.0.1,
// this machine only, by default; HOST=0.0.0.0 to accept connections from other machines, e.g.
// in a container).
import { createApp } from './app.js';

const secret = process.env.WEBHOOKS_B_SECRET;
if (!secret) {
  console.error(
    'WEBHOOKS_B_SECRET is not set. Set it to the shared secret your Webhooks B sender signs with, e.g.\n' +
      '  WEBHOOKS_B_SECRET=your-shared-secret pnpm --filter @hookgate/example-webhooks-b-fastify start',
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const app = await createApp({ secret });
const address = await app.listen({ port, host });
console.log(`Webhooks B: POST ${address}/webhooks`);
