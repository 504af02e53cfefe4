import { randomUUID } from 'node:crypto';
import {
  eventOfVariant,
  selectVariants,
  type ProviderSampleCase,
  type ProviderSigner,
  type RegisteredProvider,
} from '@hookgate/config';
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
        '(add the provider package\'s sign… helper and fixtures, e.g. { provider, sign, fixtures }).',
    );
  }
  const valid = fixtures.valid;
  const variants = selectVariants(entry, undefined).filter((variant) => Object.hasOwn(valid, variant));
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
      let selected: string[];
      try {
        selected = selectVariants(entry, event);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === 'unknown_event_name') throw new UsageError((error as Error).message);
        throw error;
      }
      const sendable = selected.filter((variant) => variants.includes(variant));
      if (sendable.length === 0) throw new UsageError(`No sample for ${event ?? 'any event'} of ${entry.id} in its fixtures. Samples: ${variants.join(', ')}.`);
      return sendable;
    },
    uniqueBody(variant) {
      const payload = valid[variant];
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
      return signWith(sign, { body, secret, now, variant, event: event ?? (variant === undefined ? undefined : eventOfVariant(entry, variant)) });
    },
    unknownCases: () => cases([fixtures.unknown, fixtures.ambiguous], 'unknown_event'),
    invalidCases: () => cases([fixtures.invalid], 'invalid_payload'),
  };
}

/**
 * Signs a fixture case's exact body (with the event name it announces, if any).
 *
 * @example
 * ```ts
 * const signed = signCase(kit, kit.unknownCases()[0]!.sample, 'secret', Date.now());
 * ```
 */
export function signCase(kit: SampleKit, sample: ProviderSampleCase, secret: string, now: number): SignedSample {
  return signWith(kit.entry.sign!, { body: caseBody(sample), secret, now, event: sample.event, variant: undefined });
}

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

function signWith(sign: ProviderSigner, input: Parameters<ProviderSigner>[0]): SignedSample {
  const signed = sign(input);
  return { headers: signed.headers, body: typeof signed.body === 'string' ? signed.body : Buffer.from(signed.body).toString('utf8') };
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
