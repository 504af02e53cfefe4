import { SAMPLE_PROVIDERS } from './samples.js';
import type { Io, SendOptions } from './commands.js';
import { secretFor, UsageError } from './commands.js';
import { endpointFor, postDelivery, type SendResult } from './send.js';

/**
 * `hookgate replay <delivery-id>`: reads a recorded delivery from the store and sends its exact
 * body again, re-signed with the current secret and a fresh timestamp (stored signatures are
 * redacted, and an old timestamp would fail the tolerance window). The gateway records the
 * replay as a new delivery; for providers without an event id it is processed again.
 *
 * @example
 * ```ts
 * await replayCommand({ id: '0193…', store: 'sqlite:./data/hookgate.db', url, dataDir: './data' }, console);
 * ```
 */
export async function replayCommand(options: SendOptions & { id: string; store: string }, io: Io): Promise<SendResult> {
  const { openStore } = await import('@hookgate/store');
  const store = await openStore(options.store, { migrate: false });
  try {
    const delivery = await store.get(options.id);
    if (!delivery) throw new UsageError(`No delivery ${options.id} in ${options.store}.`);
    if (delivery.bodyTruncated) throw new UsageError(`Delivery ${options.id} was stored truncated; its body cannot be replayed exactly.`);
    const provider = SAMPLE_PROVIDERS[delivery.provider as keyof typeof SAMPLE_PROVIDERS];
    if (!provider) throw new UsageError(`Delivery ${options.id} is from "${delivery.provider}", which the CLI cannot sign for.`);
    const secret = await secretFor(provider.id, options);
    const body = delivery.bodyEncoding === 'base64' ? Buffer.from(delivery.body, 'base64').toString('utf8') : delivery.body;
    const result = await postDelivery(endpointFor(options.url, provider.id), provider.sign(body, secret, Date.now()));
    io.log(`replayed ${options.id} (${delivery.provider} ${delivery.variant ?? delivery.event ?? '?'}) → ${result.status} ${result.kind}${result.deliveryId ? ` ${result.deliveryId}` : ''}`);
    return result;
  } finally {
    await store.close();
  }
}
