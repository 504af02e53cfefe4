/**
 * A gateway in its own process, for the crash test: Express + SQLite at the path given as the
 * first argument. Prints `READY <url>` once it listens. The test kills it with SIGKILL.
 */
import { openStore } from '@hookgate/store';
import { buildGateway, startExpress } from './servers.js';

const file = process.argv[2];
if (!file) throw new Error('usage: gateway-child <sqlite file>');
const store = await openStore(`sqlite:${file}`);
const server = await startExpress(buildGateway({ store }));
process.stdout.write(`READY ${server.url}\n`);
