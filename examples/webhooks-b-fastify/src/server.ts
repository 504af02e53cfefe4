// `pnpm --filter @hookgate/example-webhooks-b-fastify start`: serves POST http://localhost:3000/webhooks.
import { createApp } from './app.js';

const secret = process.env.WEBHOOKS_B_SECRET ?? 'your-shared-secret';
const port = Number(process.env.PORT ?? 3000);

if (!process.env.WEBHOOKS_B_SECRET) console.warn('WEBHOOKS_B_SECRET is not set: using the demo secret "your-shared-secret".');
const app = await createApp({ secret });
await app.listen({ port, host: '127.0.0.1' });
console.log(`Webhooks B: POST http://localhost:${port}/webhooks`);
