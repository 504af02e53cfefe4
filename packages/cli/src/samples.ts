import { randomUUID } from 'node:crypto';
import { eventOfVariant, selectVariants, type ProviderSampleCase, type ProviderSigner, type RegisteredProvider } from '@hookgate/config';
import { OUTCOME_STATUS, type OutcomeKind } from '@hookgate/core';
import { UsageError } from './usage-error.js';

/** A body and the signed headers to send with it. */
export interface SignedSample {
  headers: Record<string, string>;
  body: string;
}

/** What the gateway should answer a sample: an HTTP status and outcome kind. */
export interface ExpectedOutcome {
  status: number;
  kind: OutcomeKind;
}

/** A fixture case with the answer it must get. */
export interface SampleCase {
  name: string;
  sample: ProviderSampleCase;
  expect: ExpectedOutcome;
}

/** Everything the CLI can send for one registered provider: its signer and samples. */
export interface SampleKit {
  readonly entry: RegisteredProvider;
  /** Variant names with a valid sample, in the provider's order. */
  readonly variants: readonly string[];
  /** The variants an `--event` value selects (an event name selects all its variants). */
  select(event: string | undefined): string[];
  /**
   * A valid sample of `variant`, made unique so repeats are new deliveries: a `sample_id` field,
   * and a fresh value for a body field the provider dedupes on (its event id).
   */
  uniqueBody(variant: string): string;
  /** Signs an exact body as the provider's sender would; `event` defaults to the variant's event. */
  sign(body: string, secret: string, now: number, variant?: string, event?: string): SignedSample;
  /** Bodies answered as unknown events (unknown and ambiguous fixtures). */
  unknownCases(): SampleCase[];
  /** Bodies answered as invalid payloads (or unknown events, as the fixture says). */
  invalidCases(): SampleCase[];
}

/**
 * The sample kit of a registered provider: its `sign` and `fixtures` from the config.
 *
 * @throws {UsageError} when the provider has no signer or no valid fixtures in the config.
 * @example
 * ```ts
 * const kit = sampleKit(findProvider(config, 'acme')!);
 * const { headers, body } = kit.sign(kit.uniqueBody(kit.variants[0]!), 'secret', Date.now());
 * ```
 */
export function sampleKit(entry: RegisteredProvider): SampleKit {
  const { sign, fixtures } = entry;
  if (!sign || !fixtures) {
    throw new UsageError(
      `The CLI cannot send to "${entry.id}": its entry in the Hookgate config has no ${!sign ? 'sign' : 'fixtures'} ` +
        "(add the provider package's sign… helper and fixtures, e.g. { provider, sign, fixtures }).",
    );
  }
  const valid = fixtures.valid;
  const declared = selectVariants(entry, undefined);
  // A provider that declares no events (it takes any type, e.g. untyped Standard Webhooks) can
  // send every sample it has.
  const variants = declared.length > 0 ? declared.filter((variant) => Object.hasOwn(valid, variant)) : Object.keys(valid);
  const cases = (groups: ReadonlyArray<Readonly<Record<string, ProviderSampleCase>> | undefined>, fallback: OutcomeKind): SampleCase[] =>
    groups.flatMap((group) =>
      Object.entries(group ?? {}).map(([name, sample]) => {
        const kind = isOutcomeKind(sample.expected?.kind) ? sample.expected.kind : fallback;
        return { name, sample, expect: { status: OUTCOME_STATUS[kind], kind } };
      }),
    );
  return {
    entry,
    variants,
    select(event) {
      if (event === undefined) return [...variants];
      if (declared.length === 0) {
        if (variants.includes(event)) return [event];
        throw new UsageError(`Unknown event "${event}" for ${entry.id}. It can send: ${variants.join(', ')}.`);
      }
      let selected: string[] = [];
      try {
        selected = selectVariants(entry, event);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== 'unknown_event_name') throw error;
      }
      const sendable = selected.filter((variant) => variants.includes(variant));
      if (sendable.length === 0) {
        // The choices are what the fixtures can send (a provider may define hundreds of events).
        const events = variants.map((variant) => eventOfVariant(entry, variant) ?? variant);
        const choices = [...new Set([...events, ...variants])].join(', ');
        throw new UsageError(`${selected.length === 0 ? 'Unknown event' : 'No sample for'} "${event}" for ${entry.id}. It can send: ${choices}.`);
      }
      return sendable;
    },
    uniqueBody(variant) {
      const { payload } = validSample(valid[variant]);
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return JSON.stringify(payload);
      const nonce = randomUUID();
      const unique: Record<string, unknown> = { ...payload, sample_id: nonce };
      // A provider that dedupes on an id inside the body (an event id): give each sample its own,
      // or a second send would be a duplicate. Ids in headers are the signer's business.
      const id = bodyEventId(entry, payload);
      if (id !== undefined) {
        for (const [key, value] of Object.entries(payload)) if (value === id) unique[key] = `${id}_${nonce.replaceAll('-', '')}`;
      }
      return JSON.stringify(unique);
    },
    sign(body, secret, now, variant, event) {
      const named = variant === undefined ? undefined : (validSample(valid[variant]).event ?? eventOfVariant(entry, variant) ?? variant);
      return signWith(sign, { body, secret, now, variant, event: event ?? named ?? '' });
    },
    unknownCases: () => cases([fixtures.unknown, fixtures.ambiguous], 'unknown_event'),
    invalidCases: () => cases([fixtures.invalid], 'invalid_payload'),
  };
}

/**
 * Signs a fixture case's exact body with the event name it announces (if any) and its other
 * fields as signer options.
 *
 * @example
 * ```ts
 * const signed = signCase(kit, kit.unknownCases()[0]!.sample, 'secret', Date.now());
 * ```
 */
export function signCase(kit: SampleKit, sample: ProviderSampleCase, secret: string, now: number): SignedSample {
  // A case's own fields (a `topic`, say) are signer options; null ones mean "not sent".
  const options = Object.fromEntries(Object.entries(sample).filter(([key, value]) => value !== null && value !== undefined && !CASE_FIELDS.has(key)));
  return signWith(kit.entry.sign!, { ...options, body: caseBody(sample), secret, now, event: sample.event ?? '', variant: undefined });
}

const CASE_FIELDS = new Set(['description', 'payload', 'raw', 'expected', 'event']);

/**
 * The exact body of a fixture case.
 *
 * @example
 * ```ts
 * caseBody({ raw: '{"truncated"' }); // '{"truncated"'
 * ```
 */
export function caseBody(sample: ProviderSampleCase): string {
  return sample.raw ?? JSON.stringify(sample.payload);
}

/**
 * Signs with a provider entry's `sign`, the body as text. Internal (the CLI's commands).
 *
 * @example
 * ```ts
 * const { headers, body } = signWith(entry.sign!, { body: '{}', secret, now: Date.now(), event: 'ping' });
 * ```
 */
export function signWith(sign: ProviderSigner, input: Parameters<ProviderSigner>[0]): SignedSample {
  const signed = sign(input);
  return { headers: signed.headers, body: typeof signed.body === 'string' ? signed.body : Buffer.from(signed.body).toString('utf8') };
}

/**
 * A valid fixture entry as payload and announced event: the payload itself, or `{ event, payload }`
 * (exactly these keys) from providers whose sender names the event outside the body.
 *
 * @example
 * ```ts
 * validSample({ event: 'order', payload: { id: 1 } }); // { payload: { id: 1 }, event: 'order' }
 * validSample({ id: 1 });                               // { payload: { id: 1 } }
 * ```
 */
export function validSample(value: unknown): { payload: unknown; event?: string } {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const { event, payload } = value as { event?: unknown; payload?: unknown };
    if (keys.length === 2 && typeof event === 'string' && 'payload' in value) return { payload, event };
  }
  return { payload: value };
}

function bodyEventId(entry: RegisteredProvider, payload: object): string | undefined {
  try {
    const id = entry.provider.eventId?.(payload, { method: 'POST', headers: {}, rawBody: new Uint8Array() });
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

function isOutcomeKind(kind: string | undefined): kind is OutcomeKind {
  return kind !== undefined && Object.hasOwn(OUTCOME_STATUS, kind);
}
