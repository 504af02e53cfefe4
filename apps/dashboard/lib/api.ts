import type { DeliveryStore } from '@hookgate/core';
import { accessFor, deniedResponse } from './access';
import { getRuntime } from './runtime';

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * Runs a JSON API read: checks access, gets the store, and maps a store failure to 503 so
 * clients can tell "try again" from "bad request".
 *
 * @example
 * ```ts
 * export const GET = (request: Request) => readApi(request, (store) => store.list({ limit: 10 }));
 * ```
 */
export async function readApi(request: Request, read: (store: DeliveryStore) => Promise<Response | object | null>): Promise<Response> {
  const decision = accessFor(request);
  if (decision.kind !== 'allowed') return deniedResponse(decision);
  let result: Response | object | null;
  try {
    const { store } = await getRuntime();
    result = await read(store);
  } catch (error) {
    console.error('[hookgate] delivery store unavailable:', error);
    return jsonError(503, 'store_unavailable', 'The delivery store is unavailable; try again.');
  }
  if (result instanceof Response) return result;
  if (result === null) return jsonError(404, 'not_found', 'No delivery with this id.');
  return Response.json(result, { headers: NO_STORE });
}

/**
 * A JSON error answer `{ error, message, ...extra }`.
 *
 * @example
 * ```ts
 * return jsonError(400, 'invalid_query', 'status: "x" is not a delivery status');
 * ```
 */
export function jsonError(status: number, error: string, message: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, message, ...extra }, { status, headers: NO_STORE });
}
