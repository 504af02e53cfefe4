import { z } from 'zod';
import { accessFor, deniedResponse } from '../../../../lib/access';
import { jsonError, readApi } from '../../../../lib/api';
import { parseDeliveryFilters, toListQuery } from '../../../../lib/delivery-filters';
import { countMatching, REPLAY_BATCH_LIMIT, replayMatching, requester } from '../../../../lib/replay';
import { checkSameOrigin, crossSiteResponse } from '../../../../lib/same-origin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `GET /api/deliveries/replay?<filters>` → `{ count, more, limit }`: how many replayable
 * deliveries (handled, handler error, dead) the list filters match, up to one batch — what the
 * confirmation shows.
 */
export async function GET(request: Request): Promise<Response> {
  return readApi(request, async () => {
    const { filters, errors } = parseDeliveryFilters(new URL(request.url).searchParams, { limit: REPLAY_BATCH_LIMIT });
    if (errors.length > 0) return jsonError(400, 'invalid_query', errors.join('; '), { issues: errors });
    return countMatching(toListQuery(filters, Date.now()));
  });
}

const bodySchema = z.object({
  /** The list's filter query (`provider=…&status=…`), as the page shows it. */
  query: z.string().max(4096),
  /** The count the user confirmed: a larger match now is refused, so nothing unseen is replayed. */
  expected: z.number().int().min(1).max(REPLAY_BATCH_LIMIT),
});

/**
 * `POST /api/deliveries/replay` with JSON `{ query, expected }`: replays the replayable
 * deliveries matching the filters — at most {@link REPLAY_BATCH_LIMIT}, oldest first — as new
 * attempts recording who asked. Refused with 409 `count_changed` when more match now than the
 * `expected` count the user confirmed. Same-origin only, behind the access rule.
 */
export async function POST(request: Request): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  const decision = accessFor(request);
  if (decision.kind !== 'allowed') return deniedResponse(decision);
  return readApi(request, async () => {
    let body: z.infer<typeof bodySchema>;
    try {
      const parsed = bodySchema.safeParse(await request.json());
      if (!parsed.success) return jsonError(400, 'invalid_request', `Send JSON { "query": string, "expected": 1–${REPLAY_BATCH_LIMIT} }.`);
      body = parsed.data;
    } catch {
      return jsonError(400, 'invalid_request', 'The body is not JSON.');
    }
    const { filters, errors } = parseDeliveryFilters(new URLSearchParams(body.query), { limit: REPLAY_BATCH_LIMIT });
    if (errors.length > 0) return jsonError(400, 'invalid_query', errors.join('; '), { issues: errors });
    const filter = toListQuery(filters, Date.now());
    const now = await countMatching(filter);
    if (now.count > body.expected) {
      return jsonError(
        409,
        'count_changed',
        `${now.count}${now.more ? '+' : ''} deliveries match now, more than the ${body.expected} confirmed: check again.`,
        {
          count: now.count,
        },
      );
    }
    return replayMatching(filter, requester(decision, request), body.expected);
  });
}
