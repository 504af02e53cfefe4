/**
 * One gateway process of the scale-out bench: Fastify + the PostgreSQL store at the URL given
 * as the first argument. Prints `READY <url>` once it listens. Counts how often each delivery's
 * listener ran (the key is the Pylon `issue_id` / Webhooks B `id`) and sends the counts to the
 * parent over IPC when asked (`'report'`), so the parent can prove every key was dispatched
 * exactly once across all processes.
 */
import { openStore } from '@hookgate/store';
import { buildGateway, startFastify } from './servers.js';

const url = process.argv[2];
if (!url || !process.send) throw new Error('usage: scale-out-child <postgres url> (with an IPC channel)');
const store = await openStore(url, { migrate: false });
const dispatched = new Map<string, number>();
const server = await startFastify(
  buildGateway({
    store,
    onEvent: (_provider, key) => {
      dispatched.set(key, (dispatched.get(key) ?? 0) + 1);
    },
  }),
);
process.on('message', (message) => {
  if (message === 'report') process.send!({ dispatched: [...dispatched] });
});
process.stdout.write(`READY ${server.url}\n`);
