import { accessFor, deniedResponse } from '../../../../../lib/access';
import { jsonError } from '../../../../../lib/api';
import { isDeliveryId } from '../../../../../lib/delivery-id';
import { replayOne, requester } from '../../../../../lib/replay';
import { checkSameOrigin, crossSiteResponse } from '../../../../../lib/same-origin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const STATUS_OF_REASON = { not_found: 404, not_replayable: 409, no_handler: 409, listener_failed: 200 } as const;

/**
 * `POST /api/deliveries/:id/replay`: runs the listeners again for one stored delivery, as a new
 * attempt recording who asked and when. Same-origin only (Origin checked), behind the access
 * rule (token or loopback). 200 with the result (`ok: false, reason: 'listener_failed'` when a
 * listener threw again), 404 unknown id, 409 not replayable (rejected, invalid, unknown, queued…).
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  const decision = accessFor(request);
  if (decision.kind !== 'allowed') return deniedResponse(decision);
  const { id } = await context.params;
  if (!isDeliveryId(id)) return jsonError(404, 'not_found', 'No delivery with this id.');
  try {
    const result = await replayOne(id, requester(decision, request));
    return Response.json(result, { status: result.ok ? 200 : STATUS_OF_REASON[result.reason], headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    console.error('[hookgate] replay failed:', error);
    return jsonError(503, 'store_unavailable', 'The delivery store is unavailable; try again.');
  }
}
