import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FastParseResult, ParseResult } from '@hookgate/core';
import { describe, expect, it, vi } from 'vitest';
import { pylonFastParse } from './fast-parse.js';
import { fixtures } from './fixtures.js';
import { pylon, type PylonEventMap } from './provider.js';
import { IssueNewEvent, PYLON_ISSUE_STATUSES, type PylonEventName } from './schemas.js';

const fast = pylon();
const reference = pylon({ fastParse: false });
/** zod validates synchronously, so the providers answer synchronously. */
const parseWith = (provider: typeof fast, text: string) => provider.parse(Buffer.from(text, 'utf8')) as ParseResult<PylonEventMap>;
// Each provider parses its own copy of the bytes: the fast path changes the body it accepts.
const parseBoth = (text: string) => ({ fast: parseWith(fast, text), reference: parseWith(reference, text) });
// Each property runs zod a few thousand times: minutes of CPU on a loaded machine are not a failure.
const TIMEOUT = 120_000;

/** A JSON object text from entries, so that a `__proto__` key stays an own key of the parsed body. */
function objectText(entries: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

// Values that fit a field, mixed with near misses and other JSON types.
const other = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const text = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constant('') }, { weight: 1, arbitrary: other });
const status = fc.oneof(fc.constantFrom(...PYLON_ISSUE_STATUSES), fc.constantFrom('custom_slug', ''), other);
const issueNumber = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -1, 1.5, 1e300),
  fc.stringMatching(/^[0-9]{1,18}$/),
  fc.constantFrom('9007199254740991', '9007199254740992', '0042', '', '12a', '-3', ' 7', '１２'),
  other,
);
const dateTime = fc.oneof(
  fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '2026-11-25T09:14:07Z',
    '2026-11-25T09:14:07+02:00',
    '2024-02-29T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '2026-11-25 09:14:07Z',
    '2026-11-25T09:14:07',
  ),
  text,
);
const strings = fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }), other);

const FIELDS: Record<string, fc.Arbitrary<unknown>> = {
  issue_id: text,
  issue_number: issueNumber,
  issue_title: text,
  issue_body: text,
  issue_status: status,
  issue_state: status,
  issue_previous_status: status,
  issue_tags: strings,
  issue_requester_id: text,
  issue_requesteer_id: text,
  issue_assignee_id: text,
  assignee_id: text,
  issue_created_at: dateTime,
  issue_last_message_sent_at: dateTime,
  message_id: text,
  message_ccs: strings,
  message_is_private: fc.oneof(fc.boolean(), other),
  message_sent_at: dateTime,
};
const EVENT_TYPES = ['issue_new', 'issue_assigned', 'issue_status_changed', 'issue_state_changed', 'issue_message_new', 'message_new'];

/** A Pylon-like body: a known event_type, a random subset of the fields, unknown extra keys, sometimes `__proto__`. */
const body = fc
  .record({
    eventType: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...EVENT_TYPES) }, { weight: 1, arbitrary: other }),
    fields: fc
      .array(fc.constantFrom(...Object.keys(FIELDS)), { maxLength: Object.keys(FIELDS).length })
      .chain((names) => fc.tuple(...[...new Set(names)].map((name) => FIELDS[name]!.map((value) => [name, value] as const)))),
    extra: fc.array(
      fc.tuple(
        fc.oneof(
          fc.string({ maxLength: 8 }).map((key) => `issue_custom_field_${key}`),
          fc.constant('__proto__'),
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      {
        maxLength: 4,
      },
    ),
  })
  .map(({ eventType, fields, extra }) => objectText([['event_type', eventType], ...fields, ...extra]));

/** Bodies that every event accepts, so the property below also sees many successes. */
const validBody = fc
  .record({
    eventType: fc.constantFrom(...EVENT_TYPES),
    issue_id: fc.string({ minLength: 1, maxLength: 8 }),
    issue_title: fc.string({ minLength: 1, maxLength: 8 }),
    message_id: fc.string({ minLength: 1, maxLength: 8 }),
    assignee: fc.constantFrom('issue_assignee_id', 'assignee_id'),
    state: fc.constantFrom('issue_status', 'issue_state'),
    value: fc.string({ minLength: 1, maxLength: 8 }),
    issue_number: fc.oneof(
      fc.integer({ min: 0 }),
      fc.stringMatching(/^[0-9]{1,15}$/),
      fc.constantFrom('9007199254740991', '9007199254740992', '99999999999999999999'),
    ),
    issue_created_at: fc.date({ min: new Date(0), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
    requester: fc.constantFrom('issue_requester_id', 'issue_requesteer_id', 'both'),
    custom: fc.dictionary(
      fc.string({ maxLength: 6 }).map((key) => `issue_custom_field_${key}`),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 35 },
    ),
  })
  .map((b) =>
    objectText([
      ['event_type', b.eventType],
      ['issue_id', b.issue_id],
      ['issue_title', b.issue_title],
      ['message_id', b.message_id],
      [b.assignee, b.value],
      [b.state, b.value],
      ['issue_number', b.issue_number],
      ['issue_created_at', b.issue_created_at],
      ...(b.requester === 'both' ? [['issue_requester_id', 'usr_a'] as const, ['issue_requesteer_id', 'usr_b'] as const] : [[b.requester, 'usr_c'] as const]),
      ...Object.entries(b.custom),
    ]),
  );

describe('fast path (validators generated from schema/*.json) against the zod schemas', () => {
  it('src/validators.generated.ts is what scripts/generate-validators.mjs makes of schema/*.json (run `pnpm generate`)', () => {
    const script = fileURLToPath(new URL('../scripts/generate-validators.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it(
    'gives the same result as zod alone on generated bodies, valid and invalid: payload, normalised fields, issues',
    () => {
      let events = 0;
      fc.assert(
        fc.property(fc.oneof(body, validBody), (text) => {
          const { fast: quick, reference: slow } = parseBoth(text);
          expect(quick).toStrictEqual(slow);
          if (slow.kind === 'event') events++;
        }),
        { numRuns: 1500 },
      );
      // Not vacuous: a good share of the bodies are events (the rest are refusals with zod's issues).
      expect(events).toBeGreaterThan(400);
    },
    TIMEOUT,
  );

  it(
    'answers every body zod accepts, except the documented declines (own __proto__ key, a digit string beyond 2^53), flagging exactly the bodies it left unchanged',
    () => {
      let flagged = 0;
      let normalised = 0;
      fc.assert(
        fc.property(fc.oneof(body, validBody), (text) => {
          const slow = parseWith(reference, text);
          if (slow.kind !== 'event') return;
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const declines =
            Object.hasOwn(parsed, '__proto__') || (typeof parsed.issue_number === 'string' && !Number.isSafeInteger(Number(parsed.issue_number)));
          const quick: FastParseResult | undefined = pylonFastParse[slow.event as PylonEventName](parsed);
          if (declines) return;
          expect(quick?.value).toStrictEqual(slow.payload);
          // `unchanged` says the payload is the body exactly as JSON.parse gave it: stores then
          // keep the body's own text as the payload's JSON, so it must never be said wrongly.
          if (quick?.unchanged === true) {
            expect(quick.value).toBe(parsed);
            expect(parsed).toStrictEqual(JSON.parse(text));
            flagged++;
          } else {
            // Not flagged: allowed for any body (the store then serialises the payload as before).
            normalised++;
          }
        }),
        { numRuns: 800 },
      );
      // Both answers occur: bodies flagged as left as they are, and bodies not flagged.
      expect(flagged).toBeGreaterThan(20);
      expect(normalised).toBeGreaterThan(20);
    },
    TIMEOUT,
  );

  it(
    'never accepts what zod refuses, nor changes a body it declines',
    () => {
      fc.assert(
        fc.property(body, (text) => {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const before = JSON.parse(text) as unknown;
          for (const [name, fastParse] of Object.entries(pylonFastParse)) {
            const slow = parseWith(reference, text);
            const quick = fastParse(parsed);
            if (quick === undefined) {
              expect(parsed).toStrictEqual(before);
            } else {
              // Accepted by the fast path of `name`: zod accepts it as that event with the same payload.
              expect(slow).toMatchObject({ kind: 'event', event: name });
              return;
            }
          }
        }),
        { numRuns: 800 },
      );
    },
    TIMEOUT,
  );

  it('runs zod only for a body the fast path refuses (to report why), and always with fastParse: false', () => {
    const validate = vi.spyOn(IssueNewEvent['~standard'], 'validate');
    try {
      parseWith(fast, '{"event_type":"issue_new","issue_id":"i","issue_title":"t"}');
      expect(validate).not.toHaveBeenCalled();
      expect(parseWith(fast, '{"event_type":"issue_new","issue_id":"i","issue_title":""}')).toMatchObject({
        kind: 'invalid_payload',
        reason: 'schema_mismatch',
      });
      expect(validate).toHaveBeenCalledTimes(1);
      parseWith(reference, '{"event_type":"issue_new","issue_id":"i","issue_title":"t"}');
      expect(validate).toHaveBeenCalledTimes(2);
    } finally {
      validate.mockRestore();
    }
  });

  it('gives the same results on every fixture, and the issues of zod for the invalid ones', () => {
    const samples = [
      ...Object.values(fixtures.valid).map((payload) => JSON.stringify(payload)),
      ...Object.values({ ...fixtures.invalid, ...fixtures.unknown }).map((sample) => sample.raw ?? JSON.stringify(sample.payload)),
    ];
    for (const sample of samples) {
      const { fast: quick, reference: slow } = parseBoth(sample);
      expect(quick).toStrictEqual(slow);
    }
  });

  it('normalises in place: issue_number from digits, assignee_id, state, issue_requester_id from the misspelt key', () => {
    const { fast: quick } = parseBoth(
      objectText([
        ['event_type', 'issue_assigned'],
        ['issue_id', 'iss_1'],
        ['issue_number', '0042'],
        ['assignee_id', 'usr_7'],
        ['issue_requesteer_id', 'usr_9'],
        ['issue_custom_field_region', 'eu-west-1'],
      ]),
    );
    expect(quick).toStrictEqual({
      kind: 'event',
      event: 'IssueAssignedEvent',
      variant: 'IssueAssignedEvent',
      payload: {
        event_type: 'issue_assigned',
        issue_id: 'iss_1',
        issue_number: 42,
        assignee_id: 'usr_7',
        issue_requesteer_id: 'usr_9',
        issue_requester_id: 'usr_9',
        issue_custom_field_region: 'eu-west-1',
      },
    });
    const state = parseBoth(
      objectText([
        ['event_type', 'issue_state_changed'],
        ['issue_id', 'i'],
        ['issue_state', 'on_hold'],
      ]),
    ).fast;
    expect(state).toMatchObject({ kind: 'event', payload: { state: 'on_hold' } });
  });
});
