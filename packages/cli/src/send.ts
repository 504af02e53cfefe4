/** The answer of one POST, as the CLI reports it. */
export interface SendResult {
  status: number;
  kind: string;
  reason?: string;
  deliveryId?: string;
}

/**
 * POSTs a signed body to a webhook endpoint and reads Hookgate's JSON answer
 * (`{ ok, kind, reason?, deliveryId? }`); other servers' answers are reported by status only.
 *
 * @example
 * ```ts
 * const result = await postDelivery('http://127.0.0.1:3000/api/webhooks/acme', { headers, body });
 * ```
 */
export async function postDelivery(url: string, delivery: { headers: Record<string, string>; body: string }): Promise<SendResult> {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  const text = await response.text();
  try {
    const json = JSON.parse(text) as Partial<SendResult>;
    return {
      status: response.status,
      kind: typeof json.kind === 'string' ? json.kind : 'unknown',
      ...(typeof json.reason === 'string' ? { reason: json.reason } : {}),
      ...(typeof json.deliveryId === 'string' ? { deliveryId: json.deliveryId } : {}),
    };
  } catch {
    return { status: response.status, kind: 'not_hookgate' };
  }
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
