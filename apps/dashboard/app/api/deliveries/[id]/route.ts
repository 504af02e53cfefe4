import { readApi } from '../../../../lib/api';
import { isDeliveryId } from '../../../../lib/delivery-id';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** `GET /api/deliveries/:id` → the delivery, or 404 `{ error: 'not_found' }`. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  return readApi(request, async (store) => (isDeliveryId(id) ? store.get(id) : null));
}
