import { randomUUID } from 'node:crypto';
import { fixtures as pylonFixtures, signPylon, type PylonEventName } from '@hookgate/provider-pylon';
import { fixtures as webhooksBFixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
import { E2E_SECRETS } from './env';

/** What the gateway answered (the adapter's JSON body) plus the HTTP status. */
export interface SendResult {
  status: number;
  ok: boolean;
  kind: string;
  reason?: string;
  deliveryId: string;
}

type Signed = { headers: Record<string, string>; body: string };

/**
 * A text no other test uses, put into every payload a test sends so that searching for it
 * isolates that test's rows in the shared store.
 *
 * @example
 * ```ts
 * const marker = newMarker(); // 'e2e-1f3a9c0b'
 * ```
 */
export function newMarker(): string {
  return `e2e-${randomUUID().slice(0, 8)}`;
}

/**
 * Signs a Pylon fixture event (with an extra `e2e_marker` field, kept by the schema) the way
 * Pylon does, using secret `secretIndex` of the `open` server or an explicit wrong `secret`.
 *
 * @example
 * ```ts
 * await send(base, 'pylon', pylonDelivery(marker, { event: 'IssueNewEvent' }));
 * ```
 */
export function pylonDelivery(
  marker: string,
  options: { event?: PylonEventName; secretIndex?: 0 | 1; secret?: string; extra?: Record<string, unknown> } = {},
): Signed {
  const payload = { ...pylonFixtures.valid[options.event ?? 'IssueNewEvent'], e2e_marker: marker, ...options.extra };
  return signPylon({ payload, secret: options.secret ?? E2E_SECRETS.pylon[options.secretIndex ?? 0] });
}

/**
 * Signs an exact Pylon body (for invalid payloads) with the `open` server's first secret.
 *
 * @example
 * ```ts
 * await send(base, 'pylon', pylonRawDelivery('{"event_type":"issue_new"}'));
 * ```
 */
export function pylonRawDelivery(body: string, secret: string = E2E_SECRETS.pylon[0]): Signed {
  return signPylon({ body, secret });
}

/**
 * Signs a Webhooks B fixture variant (with an `e2e_marker` field) as its sender does.
 *
 * @example
 * ```ts
 * await send(base, 'webhooks-b', webhooksBDelivery(marker, 'InventoryStockDepletedEvent'));
 * ```
 */
export function webhooksBDelivery(
  marker: string,
  variant: keyof typeof webhooksBFixtures.valid = 'UserActionNotificationEvent',
  secret: string = E2E_SECRETS['webhooks-b'][0],
): Signed {
  return signWebhooksB({ payload: { ...webhooksBFixtures.valid[variant], e2e_marker: marker }, secret });
}

/**
 * POSTs a signed delivery to `/api/webhooks/<provider>` with a real `fetch`.
 *
 * @example
 * ```ts
 * const { deliveryId, kind } = await send(base, 'pylon', pylonDelivery(marker));
 * ```
 */
export async function send(baseUrl: string, provider: string, signed: Signed): Promise<SendResult> {
  const response = await fetch(`${baseUrl}/api/webhooks/${provider}`, { method: 'POST', headers: signed.headers, body: signed.body });
  const body = (await response.json()) as Omit<SendResult, 'status'>;
  return { status: response.status, ...body };
}
