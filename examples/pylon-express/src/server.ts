// `pnpm --filter @hookgate/example-pylon-express start`: serves POST http://localhost:3000/webhook.
import { createApp } from './app.js';

const secret = process.env.PYLON_WEBHOOK_SECRET ?? 'your-webhook-secret';
const port = Number(process.env.PORT ?? 3000);

if (!process.env.PYLON_WEBHOOK_SECRET) console.warn('PYLON_WEBHOOK_SECRET is not set: using the demo secret "your-webhook-secret".');
createApp({ secret }).listen(port, () => console.log(`Pylon webhooks: POST http://localhost:${port}/webhook`));
