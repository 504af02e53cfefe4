// `PYLON_WEBHOOK_SECRET=… pnpm --filter @hookgate/example-pylon-express start`: serves
// POST http://127.0.0.1:3000/webhook. PORT picks the port; HOST the address to bind (127.0.0.1,
// this machine only, by default; HOST=0.0.0.0 to accept connections from other machines, e.g.
// in a container).
import { createApp } from './app.js';

const secret = process.env.PYLON_WEBHOOK_SECRET;
if (!secret) {
  console.error(
    "PYLON_WEBHOOK_SECRET is not set. Set it to the signing secret from Pylon's webhook settings, e.g.\n" +
      '  PYLON_WEBHOOK_SECRET=your-webhook-secret pnpm --filter @hookgate/example-pylon-express start',
  );
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';

const server = createApp({ secret }).listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`Pylon webhooks: POST http://${host.includes(':') ? `[${host}]` : host}:${bound}/webhook`);
});
