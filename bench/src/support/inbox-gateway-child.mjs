// One gateway process of the inbox reliability scenario (plain JavaScript: it starts in about a
// second even on a busy machine, where compiling TypeScript first could take half a minute):
// Fastify + the Pylon handler in inbox mode on the PostgreSQL store — answer 202 once the
// delivery and its pg-boss job are committed; no listener runs here. Arguments: the store URL,
// pg-boss's schema and the signing secret. Prints `READY <url>` once it listens.
import { hookgatePlugin } from '@hookgate/adapter-fastify';
import { createGateway, createWebhookHandler } from '@hookgate/core';
import { pylon } from '@hookgate/provider-pylon';
import { openStore } from '@hookgate/store';
import Fastify from 'fastify';

const [url, bossSchema, secret] = process.argv.slice(2);
if (!url || !bossSchema || !secret) throw new Error('usage: inbox-gateway-child <postgres url> <pg-boss schema> <secret>');
const store = await openStore(url, { migrate: false, poolSize: 6, inbox: { schema: bossSchema, poolSize: 2 } });
const gateway = createGateway({ handlers: { pylon: createWebhookHandler({ provider: pylon(), secret }) }, store, mode: 'inbox' });
const app = Fastify({ logger: false });
await app.register(hookgatePlugin, { prefix: '/webhooks', gateway });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`READY http://127.0.0.1:${app.server.address().port}\n`);
