import type { IncomingMessage, ServerResponse } from 'node:http';
import { createNodeListener, stripQuery, type WebhookTarget } from '@hookgate/core/adapter';

/**
 * The parts of an Express 4 or 5 request the middleware reads. Declared structurally so the
 * middleware fits both majors' typings without importing either at runtime.
 */
export interface ExpressRequestLike extends IncomingMessage {
  params?: Record<string, string | string[] | undefined>;
  /** Path relative to the mount point (`/pylon` under `app.use('/webhooks', …)`). */
  path?: string;
  /** The URL as the sender addressed it, mount prefix included. */
  originalUrl?: string;
  body?: unknown;
  rawBody?: unknown;
}

/** Express middleware signature, compatible with Express 4 and 5. */
export type ExpressWebhookMiddleware = (req: ExpressRequestLike, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Options of {@link createExpressMiddleware}. */
export interface ExpressMiddlewareOptions {
  /** Where the one-time "a body parser ran first" diagnostic goes. Default `console.error`. */
  log?: ((message: string) => void) | undefined;
  /**
   * Refuse larger bodies with 413 before buffering them. Default and upper bound: the handler's
   * `maxBodyBytes` (`createWebhookHandler({ maxBodyBytes })`, 1 MiB unless configured).
   */
  maxBodyBytes?: number | undefined;
}

const RAW_BODY_HINT =
  'Mount the Hookgate middleware before express.json()/express.urlencoded()/bodyParser (or exclude its path from them), ' +
  'or keep the bytes: express.json({ verify: (req, _res, buf) => { req.rawBody = buf } }), or express.raw({ type: "*/*" }) on this route.';

/**
 * Express 4/5 middleware that serves a Hookgate handler (one provider) or gateway (provider id
 * from `req.params.provider`, else the last path segment). It reads the raw body itself; if a
 * body parser consumed it first, it uses `req.rawBody` or a Buffer `req.body` when the app kept
 * them, and otherwise answers 500 with how to fix the mounting order (logged once).
 *
 * @throws {HookgateError} `invalid_config` for a `maxBodyBytes` that is not a positive integer.
 * @example
 * ```ts
 * import express from 'express';
 * import { createExpressMiddleware } from '@hookgate/adapter-express';
 *
 * const app = express();
 * app.use('/webhooks', createExpressMiddleware(gateway)); // POST /webhooks/pylon, /webhooks/webhooks-b
 * app.use(express.json()); // the rest of the app, after the webhooks
 * app.listen(3000);
 * ```
 */
export function createExpressMiddleware(target: WebhookTarget, options: ExpressMiddlewareOptions = {}): ExpressWebhookMiddleware {
  const listener = createNodeListener(target, { rawBodyHint: RAW_BODY_HINT, log: options.log, maxBodyBytes: options.maxBodyBytes });
  return (req, res, next) => {
    const param = req.params?.provider;
    listener(req, res, {
      providerId: Array.isArray(param) ? param.at(-1) : param,
      routePath: req.path,
      path: req.originalUrl === undefined ? undefined : stripQuery(req.originalUrl),
    }).catch(next);
  };
}
