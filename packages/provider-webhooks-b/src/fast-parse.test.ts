import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParseResult } from '@hookgate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhooksBFastParse } from './fast-parse.js';
import { fixtures } from './fixtures.js';
import { type WebhooksBEventMap, webhooksB } from './provider.js';
import { webhooksBEvents } from './schemas.js';

const fast = webhooksB();
const reference = webhooksB({ fastParse: false });
/** zod validates synchronously, so the providers answer synchronously. */
const parseWith = (provider: typeof fast, text: string) => provider.parse(Buffer.from(text, 'utf8')) as ParseResult<WebhooksBEventMap>;
const TIMEOUT = 120_000;

const keys = Object.values(webhooksBEvents).flatMap((group) => Object.values(group.variants).map((variant) => variant.key));

/** A JSON object text from entries, so that a `__proto__` key stays an own key of the parsed body. */
function objectText(entries: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

// Bodies with zero, one or several variant keys (string or other values), extra keys, sometimes `__proto__`.
const body = fc
  .array(
    fc.tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...keys) },
        { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
        { weight: 1, arbitrary: fc.constant('__proto__') },
      ),
      fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
    ),
    { maxLength: 6 },
  )
  .map(objectText);
const anyBody = fc.oneof(
  body,
  fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
);

describe('fast path (validators generated from schema/webhooks-b.json) against the zod schemas', () => {
  it('src/validators.generated.ts is what scripts/generate-validators.mjs makes of schema/webhooks-b.json (run `pnpm generate`)', () => {
    const script = fileURLToPath(new URL('../scripts/generate-validators.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('has one fast path per variant', () => {
    expect(Object.keys(webhooksBFastParse).sort()).toEqual(
      Object.values(webhooksBEvents)
        .flatMap((group) => Object.keys(group.variants))
        .sort(),
    );
  });

  it(
    'gives the same result as zod alone on generated bodies: event, variant, payload, refusals and their messages',
    () => {
      let events = 0;
      fc.assert(
        fc.property(anyBody, (text) => {
          const slow = parseWith(reference, text);
          expect(parseWith(fast, text)).toStrictEqual(slow);
          if (slow.kind === 'event') events++;
        }),
        { numRuns: 1500 },
      );
      expect(events).toBeGreaterThan(200);
    },
    TIMEOUT,
  );

  it(
    'each variant answers exactly the bodies its zod schema accepts (but an own __proto__ key), with the same payload, and never changes the body',
    () => {
      fc.assert(
        fc.property(anyBody, (text) => {
          const parsed: unknown = JSON.parse(text);
          for (const group of Object.values(webhooksBEvents)) {
            for (const [name, variant] of Object.entries(group.variants)) {
              const slow = variant.schema.safeParse(parsed);
              const quick = webhooksBFastParse[name as keyof typeof webhooksBFastParse](parsed);
              expect(parsed).toStrictEqual(JSON.parse(text));
              const protoKey = typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, '__proto__');
              if (protoKey) continue; // the provider never asks the fast path about these
              expect(quick === undefined ? { success: false } : { success: true, data: quick.value }).toStrictEqual(
                slow.success ? { success: true, data: slow.data } : { success: false },
              );
            }
          }
        }),
        { numRuns: 800 },
      );
    },
    TIMEOUT,
  );

  it('gives the same results on every fixture', () => {
    for (const sample of [
      ...Object.values(fixtures.valid).map((payload) => JSON.stringify(payload)),
      ...Object.values({ ...fixtures.invalid, ...fixtures.unknown, ...fixtures.ambiguous }).map((sample) => sample.raw ?? JSON.stringify(sample.payload)),
    ]) {
      expect(parseWith(fast, sample)).toStrictEqual(parseWith(reference, sample));
    }
  });
});
