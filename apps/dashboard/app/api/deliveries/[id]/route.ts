import { readApi } from '../../../../lib/api';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** `GET /api/deliveries/:id` → the delivery, or 404 `{ error: 'not_found' }`. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  // Ids are UUIDv7; anything else cannot exist (and must not reach a typed uuid column).
  return readApi(request, async (store) => (/^[0-9a-f-]{36}$/i.test(id) ? store.get(id) : null));
}
