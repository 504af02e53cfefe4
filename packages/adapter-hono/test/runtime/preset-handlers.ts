// The preset providers' routes for the conformance gateway (GitHub, Stripe, Standard Webhooks).
// Runtime-neutral: Bun, Deno and workerd serve them too. Their signed cases are in ../preset-cases.ts.
import { createWebhookHandler, type WebhookHandler } from '@hookgate/core';
import { github } from '@hookgate/provider-github';
import { standardWebhooks } from '@hookgate/provider-standard-webhooks';
import { stripe } from '@hookgate/provider-stripe';
import { SECRET, type PresetKit, type RecordDispatch } from '@hookgate/testkit/gateway';

/** The Standard Webhooks route's secret: `whsec_` + base64, as that format requires. */
export const STANDARD_WEBHOOKS_SECRET = 'whsec_Y29uZm9ybWFuY2Utc3RhbmRhcmQtd2ViaG9va3M=';

/** Routes `github`, `stripe` and `standard-webhooks`, each recording what reached its listener. */
export function presetHandlers(record: RecordDispatch): Record<string, WebhookHandler> {
  return {
    github: createWebhookHandler({ provider: github(), secret: SECRET }).onAny(record),
    stripe: createWebhookHandler({ provider: stripe(), secret: SECRET }).onAny(record),
    'standard-webhooks': createWebhookHandler({ provider: standardWebhooks(), secret: STANDARD_WEBHOOKS_SECRET }).onAny(record),
  };
}

/** The kit a server in another process builds its gateway with (no fixture files needed). */
export const presetRoutes: PresetKit = { handlers: presetHandlers };
