import { DEFAULT_LIST_LIMIT } from '@hookgate/core';
import { jsonError, readApi } from '../../../lib/api';
import { parseDeliveryFilters, toListQuery } from '../../../lib/delivery-filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `GET /api/deliveries?provider=&status=&event=&q=&from=&to=&range=&cursor=&limit=` →
 * `{ items, nextCursor }`, newest first. `status` may repeat or be comma-separated.
 */
export async function GET(request: Request): Promise<Response> {
  return readApi(request, async (store) => {
    const { filters, errors } = parseDeliveryFilters(new URL(request.url).searchParams, { limit: DEFAULT_LIST_LIMIT });
    if (errors.length > 0) return jsonError(400, 'invalid_query', errors.join('; '), { issues: errors });
    return store.list(toListQuery(filters, Date.now()));
  });
}
