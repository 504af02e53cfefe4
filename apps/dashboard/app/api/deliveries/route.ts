import { DEFAULT_LIST_LIMIT, listSummaries } from '@hookgate/core';
import { jsonError, readApi } from '../../../lib/api';
import { parseDeliveryFilters, toListQuery } from '../../../lib/delivery-filters';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `GET /api/deliveries?provider=&status=&event=&q=&from=&to=&range=&cursor=&limit=&fields=` →
 * `{ items, nextCursor }`, newest first. `status` may repeat or be comma-separated;
 * `fields=summary` leaves each item's headers, body and payload out (the store does not read them).
 */
export async function GET(request: Request): Promise<Response> {
  return readApi(request, async (store) => {
    const params = new URL(request.url).searchParams;
    const { filters, errors } = parseDeliveryFilters(params, { limit: DEFAULT_LIST_LIMIT });
    const fields = params.get('fields') ?? 'all';
    if (fields !== 'all' && fields !== 'summary') errors.push(`fields: must be all or summary`);
    if (errors.length > 0) return jsonError(400, 'invalid_query', errors.join('; '), { issues: errors });
    const query = toListQuery(filters, Date.now());
    return fields === 'summary' ? listSummaries(store, query) : store.list(query);
  });
}
