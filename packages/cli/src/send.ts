/** How long one POST may wait for its answer (a provider gives up after ~10 s; this is generous). */
export const SEND_TIMEOUT_MS = 30_000;

/** The answer of one POST, as the CLI reports it. */
export interface SendResult {
  status: number;
  kind: string;
  reason?: string;
  deliveryId?: string;
}

/**
 * POSTs a signed body to a webhook endpoint and reads Hookgate's JSON answer
 * (`{ ok, kind, reason?, deliveryId? }`). Any other 2xx body is a provider's own reply (kind
 * `provider_reply`, e.g. Slack's challenge); other answers are reported by status only.
 *
 * @example
 * ```ts
 * const result = await postDelivery('http://127.0.0.1:3000/api/webhooks/acme', { headers, body });
 * ```
 */
export async function postDelivery(url: string, delivery: { headers: Record<string, string>; body: string }): Promise<SendResult> {
  // A redirect is an answer, not a delivery: following it would turn the POST into a GET without
  // a body (a 302) or send the signed body and its signature headers to another origin (a 307).
  const response = await fetch(url, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const text = await response.text();
  let json: Partial<SendResult> | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as Partial<SendResult>).kind === 'string') json = parsed as Partial<SendResult>;
  } catch {
    // Not JSON: below.
  }
  if (!json) {
    // Core answers a 2xx with the provider's own reply instead of its JSON only for handled or
    // duplicate deliveries (Slack's url_verification challenge).
    if (response.status >= 300 && response.status < 400)
      return { status: response.status, kind: 'redirect', reason: `to ${response.headers.get('location') ?? '(no Location)'}` };
    return { status: response.status, kind: response.status < 300 ? 'provider_reply' : 'not_hookgate' };
  }
  return {
    status: response.status,
    kind: json.kind!,
    ...(typeof json.reason === 'string' ? { reason: json.reason } : {}),
    ...(typeof json.deliveryId === 'string' ? { deliveryId: json.deliveryId } : {}),
  };
}

/**
 * The endpoint for a provider under a base URL: `http://host/api/webhooks` + `/acme`.
 *
 * @example
 * ```ts
 * endpointFor('http://127.0.0.1:3000/api/webhooks/', 'acme'); // 'http://127.0.0.1:3000/api/webhooks/acme'
 * ```
 */
export function endpointFor(baseUrl: string, provider: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(provider)}`;
}
