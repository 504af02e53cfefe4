import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWebhookEvent } from './provider.js';
import { webhooksBEvents } from './schemas.js';

const keys = Object.values(webhooksBEvents).flatMap((group) => Object.values(group.variants).map((variant) => variant.key));

/** The oracle, straight from the spec: variants whose required key is an own string property. */
function matchingKeys(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return keys.filter((key) => Object.hasOwn(value, key) && typeof (value as Record<string, unknown>)[key] === 'string');
}

// Objects that often carry variant keys (with string and non-string values), plus arbitrary JSON.
const variantKey = fc.constantFrom(...keys);
const objectWithVariantKeys = fc.dictionary(fc.oneof(variantKey, fc.string()), fc.jsonValue(), { maxKeys: 6 });
const anyBody = fc.oneof(objectWithVariantKeys, fc.jsonValue(), fc.object());

describe('oneOf parser (property)', () => {
  it('never throws, and parses an event exactly when one variant matches', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (value) => {
        const body = JSON.stringify(value) ?? 'null';
        const result = await parseWebhookEvent(body);
        const matches = matchingKeys(JSON.parse(body));
        if (matches.length === 1) {
          expect(result.kind).toBe('event');
        } else {
          expect(result).toMatchObject({
            kind: 'unknown_event',
            reason: matches.length === 0 ? 'no_variant_matched' : 'ambiguous_variants',
          });
        }
        if (result.kind === 'unknown_event' && result.reason === 'ambiguous_variants') {
          expect(result.candidates).toHaveLength(matches.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
        const result = await parseWebhookEvent(bytes);
        expect(['event', 'unknown_event']).toContain(result.kind);
      }),
      { numRuns: 300 },
    );
  });
});
