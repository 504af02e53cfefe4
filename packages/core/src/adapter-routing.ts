// Routing for adapters: which handler serves a request (a handler, or a gateway by route id).
import { unknownProvider, type GatewayRouter } from './gateway.js';
import type { WebhookEndpoint } from './handler.js';
import type { HandleOutcome } from './outcome.js';

/** What an adapter accepts: one handler (fixed provider) or a gateway (provider from the route). */
export type WebhookTarget = WebhookEndpoint | GatewayRouter;

/**
 * Finds the handler an adapter should call. For a gateway, `providerId` comes from the route;
 * unknown ids give the 404 outcome (answered without reading the body).
 *
 * @example
 * ```ts
 * const route = resolveTarget(gateway, req.params.provider);
 * if ('outcome' in route) return send(route.outcome);
 * const outcome = await route.handler.handle(request);
 * ```
 */
export function resolveTarget(target: WebhookTarget, providerId?: string): { handler: WebhookEndpoint } | { outcome: HandleOutcome } {
  if (!isGateway(target)) return { handler: target };
  const handler = providerId ? target.handler(providerId) : undefined;
  return handler ? { handler } : { outcome: unknownProvider(providerId ?? '') };
}

/**
 * True for a value made by `createGateway()`.
 *
 * @example
 * ```ts
 * isGateway(createGateway({ handlers: { pylon: handler } })); // true
 * ```
 */
export function isGateway(target: WebhookTarget): target is GatewayRouter {
  return (target as GatewayRouter).kind === 'gateway';
}

/**
 * The gateway route id in a URL or path: its last non-empty segment, percent-decoded
 * (`/webhooks/pylon/?x=1` → `pylon`). Undefined for `/`.
 *
 * @example
 * ```ts
 * resolveTarget(gateway, providerIdFromPath(new URL(request.url).pathname));
 * ```
 */
export function providerIdFromPath(path: string): string | undefined {
  const segments = stripQuery(path).split('/');
  for (let index = segments.length - 1; index >= 0; index--) {
    const segment = segments[index];
    if (!segment) continue;
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return undefined;
}

/**
 * A URL or path without its query string or fragment.
 *
 * @example
 * ```ts
 * stripQuery('/webhooks/pylon?x=1'); // '/webhooks/pylon'
 * ```
 */
export function stripQuery(url: string): string {
  const query = url.search(/[?#]/);
  return query === -1 ? url : url.slice(0, query);
}
