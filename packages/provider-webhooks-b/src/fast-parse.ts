import type { FastParse } from '@hookgate/core/provider';
import type { WebhooksBVariantName } from './schemas.js';
import * as validators from './validators.generated.js';

/**
 * The fast path of each variant: the validator generated from `schema/webhooks-b.json`
 * (`src/validators.generated.ts`). The variants normalise nothing (a loose object with one
 * required string), so an accepted body is the payload as parsed — no copy, where zod would copy
 * every key. It never changes the body: every plausible variant of a oneOf sees the same one.
 * Proven equal to the zod schemas' results by `fast-parse.test.ts`.
 */
export const webhooksBFastParse = Object.fromEntries(
  Object.entries(validators).map(([name, isVariant]) => [
    name.slice('is'.length),
    ((value) => (isVariant(value) ? { value, unchanged: true } : undefined)) satisfies FastParse,
  ]),
) as Record<WebhooksBVariantName, FastParse>;
