import { existsSync } from 'node:fs';
import { REPLAYABLE_STATUSES } from '@hookgate/core';
import type { Io, SendOptions } from './commands.js';
import { registeredProvider, secretFor } from './commands.js';
import { signWith } from './samples.js';
import { endpointFor, postDelivery, type SendResult } from './send.js';
import { UsageError } from './usage-error.js';

/**
 * `hookgate replay <delivery-id>`: reads a recorded delivery from the store and sends its exact
 * body again, re-signed with the current secret and a fresh timestamp (stored signatures are
 * redacted, and an old timestamp would fail the tolerance window). The gateway records the
 * replay as a new delivery (a new delivery id); for providers without an event id it is processed
 * again, for the others it is a duplicate within the dedupe window. Only `handled`,
 * `handler_error` and `dead` deliveries are re-sent.
 *
 * @throws {UsageError} when the delivery is missing, truncated, not replayable (rejected, invalid,
 * unknown, duplicate, queued), or from a provider the config cannot sign for.
 * @example
 * ```ts
 * await replayCommand({ config, id: '0193…', store: 'sqlite:./data/hookgate.db', url, dataDir: './data' }, console);
 * ```
 */
export async function replayCommand(options: SendOptions & { id: string; store: string }, io: Io): Promise<SendResult> {
  const { openStore, parseStoreUrl, redactStoreUrl } = await import('@hookgate/store');
  // Messages name the store without its credentials (postgres://app:***@db/hooks).
  const storeName = redactStoreUrl(options.store);
  const location = parseStoreUrl(options.store);
  // Reading must not create: a mistyped path would otherwise leave an empty database behind.
  if (location.dialect === 'sqlite' && location.file !== ':memory:' && !existsSync(location.file)) {
    throw new UsageError(`No store at ${storeName}: the file does not exist (pass --store, or --data-dir where the gateway keeps hookgate.db).`);
  }
  const store = await openStore(options.store, { migrate: false });
  try {
    const delivery = await store.get(options.id);
    if (!delivery) throw new UsageError(`No delivery ${options.id} in ${storeName}.`);
    // Re-signing with the real secret vouches for the body: never for one the gateway refused
    // (a forged or tampered body would then be dispatched), nor for one still queued (it runs anyway).
    if (!REPLAYABLE_STATUSES.includes(delivery.status)) {
      throw new UsageError(
        `Delivery ${options.id} is ${delivery.status}: only ${REPLAYABLE_STATUSES.join(', ')} deliveries are re-sent (a rejected, invalid or unknown body is never signed with the real secret; a queued one runs anyway).`,
      );
    }
    if (delivery.bodyTruncated) throw new UsageError(`Delivery ${options.id} was stored truncated; its body cannot be replayed exactly.`);
    const entry = registeredProvider(options.config, delivery.provider);
    // Only the signer is needed (not the samples): the body and its event are the recorded ones.
    if (!entry.sign) {
      throw new UsageError(
        `The CLI cannot re-sign for "${entry.id}": its entry in the Hookgate config has no sign (add the provider package's sign… helper: { provider, sign }).`,
      );
    }
    const secret = await secretFor(entry, options);
    const body = delivery.bodyEncoding === 'base64' ? Buffer.from(delivery.body, 'base64').toString('utf8') : delivery.body;
    const signed = signWith(entry.sign, { body, secret, now: Date.now(), variant: delivery.variant ?? undefined, event: delivery.event ?? '' });
    const result = await postDelivery(endpointFor(options.url, entry.id), signed);
    io.log(
      `replayed ${options.id} (${delivery.provider} ${delivery.variant ?? delivery.event ?? '?'}) → ${result.status} ${result.kind}${result.deliveryId ? ` ${result.deliveryId}` : ''}`,
    );
    if (result.kind === 'duplicate') {
      io.log(
        '  the gateway has handled this event within its dedupe window, so no listener ran; to run the listeners again for this delivery, use Replay in the dashboard (or replayDelivery from @hookgate/core)',
      );
    }
    return result;
  } finally {
    await store.close();
  }
}
