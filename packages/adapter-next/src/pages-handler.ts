import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeListener, type WebhookTarget } from '@hookgate/core';

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
  "Turn off Next's body parser for this API route so the raw bytes reach Hookgate: " +
  'export const config = { api: { bodyParser: false } };';

/**
 * A Pages Router API route for a Hookgate handler or gateway (provider id from the `[provider]`
 * query parameter, else the last path segment). The route must export
 * `config = { api: { bodyParser: false } }`; if Next parsed the body anyway, it answers 500
 * naming that fix (logged once).
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
    await listener(req, res, { providerId: Array.isArray(param) ? param.at(-1) : param });
  };
}
