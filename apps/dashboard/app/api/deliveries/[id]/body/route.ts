import { readApi } from '../../../../../lib/api';
import { isDeliveryId } from '../../../../../lib/delivery-id';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `GET /api/deliveries/:id/body` → the stored raw body as a download (the bytes as received,
 * base64 decoded when they were not UTF-8; cut at the store's limit when
 * `X-Hookgate-Body-Truncated: true`). Always an attachment of an opaque type with `nosniff`, so a
 * hostile body is never rendered by the browser. Same access rule as the rest of the API.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  return readApi(request, async (store) => {
    const delivery = isDeliveryId(id) ? await store.get(id) : null;
    if (!delivery) return null;
    const bytes = delivery.bodyEncoding === 'base64' ? Buffer.from(delivery.body, 'base64') : Buffer.from(delivery.body, 'utf8');
    return new Response(bytes, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="delivery-${delivery.id}.body"`,
        'x-content-type-options': 'nosniff',
        'x-hookgate-body-truncated': String(delivery.bodyTruncated),
        'cache-control': 'no-store',
      },
    });
  });
}
