import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeListener, type WebhookTarget } from '@hookgate/core/adapter';
import { sentHeaderNames } from './sender-headers.js';

/** The parts of a Pages Router `NextApiRequest` the handler reads. */
export interface NextPagesRequest extends IncomingMessage {
  query?: Partial<Record<string, string | string[]>>;
  body?: unknown;
}

/** A Pages Router API route (`export default …` in `pages/api/*.ts`). */
export type NextPagesHandler = (req: NextPagesRequest, res: ServerResponse) => Promise<void>;

/** Options of {@link createNextPagesHandler}. */
export interface NextPagesOptions {
  /** Where the one-time "Next parsed the body" diagnostic goes. Default `console.error`. */
  log?: ((message: string) => void) | undefined;
  /** A body limit below the handler's `maxBodyBytes` (default and upper bound). */
  maxBodyBytes?: number | undefined;
}

const RAW_BODY_HINT =
  "Turn off Next's body parser for this API route so the raw bytes reach Hookgate: " + 'export const config = { api: { bodyParser: false } };';

/**
 * A Pages Router API route for a Hookgate handler or gateway (provider id from the `[provider]`
 * query parameter, else the last path segment). The route must export
 * `config = { api: { bodyParser: false } }`; if Next parsed the body anyway, it answers 500
 * naming that fix (logged once). Records the sender's headers only: the `x-forwarded-*` that
 * Next.js adds are left out (Pages routes see Node's `rawHeaders`, so no stamp is needed).
 *
 * @example
 * ```ts
 * // pages/api/webhooks/pylon.ts
 * import { createNextPagesHandler } from '@hookgate/adapter-next';
 * import { pylonHandler } from '../../../lib/webhooks';
 *
 * export const config = { api: { bodyParser: false } };
 * export default createNextPagesHandler(pylonHandler);
 * ```
 */
export function createNextPagesHandler(target: WebhookTarget, options: NextPagesOptions = {}): NextPagesHandler {
  const listener = createNodeListener(target, { rawBodyHint: RAW_BODY_HINT, ...options });
  return async (req, res) => {
    const param = req.query?.provider;
    await listener(req, res, { providerId: Array.isArray(param) ? param.at(-1) : param, headers: senderHeaders(req) });
  };
}

/**
 * `req.headers` without what Next.js wrote into it (`x-forwarded-*`): only names that arrived on
 * the wire (`rawHeaders`), with Node's values for them.
 */
function senderHeaders(req: NextPagesRequest): Record<string, string | string[] | undefined> {
  if (!Array.isArray(req.rawHeaders)) return req.headers;
  const sent = sentHeaderNames(req.rawHeaders);
  const out: Record<string, string | string[] | undefined> = {};
  for (const name in req.headers) if (sent.has(name)) out[name] = req.headers[name];
  return out;
}
