import { signPylon } from '@hookgate/provider-pylon';
import { signWebhooksB } from '@hookgate/provider-webhooks-b';
import { pylonBody, SECRET, webhooksBBody } from '../samples.js';

/** One delivery ready to send: the route, its headers (lower-case names) and the exact body. */
export interface SignedDelivery {
  /** What identifies this delivery in the store: the Pylon `issue_id` or the Webhooks B `id`. */
  key: string;
  provider: 'pylon' | 'webhooks-b';
  path: string;
  headers: Record<string, string>;
  body: string;
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * A unique, validly signed delivery number `n` (Pylon for even `n`, Webhooks B for odd when
 * `mix` is set). Unique bodies mean unique dedupe keys, so every one must be stored once.
 *
 * @example
 * ```ts
 * const delivery = signedDelivery(7, { prefix: '/webhooks', runId: 'r1' });
 * await fetch(url + delivery.path, { method: 'POST', headers: delivery.headers, body: delivery.body });
 * ```
 */
export function signedDelivery(n: number, options: { prefix: string; runId: string; mix?: boolean; secret?: string; nowMs?: number }): SignedDelivery {
  const secret = options.secret ?? SECRET;
  const tag = `${options.runId}-${n}`;
  if (options.mix && n % 2 === 1) {
    const body = webhooksBBody(0).replace('evt_000000000000000000000000', `evt_${tag}`);
    const signed = signWebhooksB({ secret, body, now: options.nowMs });
    return { key: `evt_${tag}`, provider: 'webhooks-b', path: `${options.prefix}/webhooks-b`, headers: lowerCase(signed.headers), body };
  }
  const body = pylonBody(0).replace('2f1c7a3e-6b0d-4f9a-9e21-000000000000', `iss-${tag}`);
  const signed = signPylon({ secret, body, now: options.nowMs });
  return { key: `iss-${tag}`, provider: 'pylon', path: `${options.prefix}/pylon`, headers: lowerCase(signed.headers), body };
}

/**
 * The key {@link signedDelivery} put in a stored body, or null for bodies it did not make.
 *
 * @example
 * ```ts
 * deliveryKeyOf(row.body); // 'iss-r1-7'
 * ```
 */
export function deliveryKeyOf(body: string): string | null {
  const match = /"(?:issue_id|id)":"((?:iss|evt)_?[^"]*)"/.exec(body);
  return match ? match[1]! : null;
}
