import { randomUUID } from 'node:crypto';
import { fixtures as pylonFixtures, pylon, signPylon, type PylonFixtureCase } from '@hookgate/provider-pylon';
import { fixtures as webhooksBFixtures, signWebhooksB, webhooksB, type WebhooksBFixtureCase } from '@hookgate/provider-webhooks-b';

/** A body and the signed headers to send with it. */
export interface SignedSample {
  headers: Record<string, string>;
  body: string;
}

/** A fixture case from a provider package: a JSON payload or a raw body, with its expected outcome. */
type FixtureCase = PylonFixtureCase | WebhooksBFixtureCase;

/** What the CLI knows about one provider: its event names, samples and signer. */
export interface SampleProvider {
  readonly id: string;
  /** Event name → the variant names it covers (equal for discriminated providers). */
  readonly events: Readonly<Record<string, readonly string[]>>;
  /** One valid payload per variant. */
  readonly valid: Readonly<Record<string, unknown>>;
  /** Bodies the receiver must answer 202 (verified, not a known event). */
  readonly unknown: Readonly<Record<string, FixtureCase>>;
  /** Bodies the receiver must answer 400 (Pylon) or 202 (Webhooks B treats them as unknown). */
  readonly invalid: Readonly<Record<string, FixtureCase>>;
  sign(body: string, secret: string, now: number): SignedSample;
}

/**
 * The providers `hookgate send` and `hookgate demo` can sign for, by route id.
 *
 * @example
 * ```ts
 * const { headers, body } = SAMPLE_PROVIDERS.pylon.sign('{"event_type":"issue_new"}', 'secret', Date.now());
 * ```
 */
export const SAMPLE_PROVIDERS: Readonly<Record<'pylon' | 'webhooks-b', SampleProvider>> = {
  pylon: {
    id: 'pylon',
    events: pylon().events,
    get valid() {
      return pylonFixtures.valid;
    },
    get unknown() {
      return pylonFixtures.unknown;
    },
    get invalid() {
      return pylonFixtures.invalid;
    },
    sign: (body, secret, now) => signPylon({ body, secret, now }),
  },
  'webhooks-b': {
    id: 'webhooks-b',
    events: webhooksB().events,
    get valid() {
      return webhooksBFixtures.valid;
    },
    get unknown() {
      return { ...webhooksBFixtures.unknown, ...webhooksBFixtures.ambiguous };
    },
    get invalid() {
      return webhooksBFixtures.invalid;
    },
    sign: (body, secret, now) => signWebhooksB({ body, secret, now }),
  },
};

/**
 * The variant names an `--event` value selects: a variant itself, or every variant of an event.
 * Undefined selects all; an unknown name returns an empty list.
 *
 * @example
 * ```ts
 * selectVariants(SAMPLE_PROVIDERS['webhooks-b'], 'inventoryChangeEvent'); // 3 variants
 * ```
 */
export function selectVariants(provider: SampleProvider, event: string | undefined): string[] {
  const all = Object.values(provider.events).flat();
  if (event === undefined) return all;
  if (provider.events[event]) return [...provider.events[event]];
  return all.includes(event) ? [event] : [];
}

/**
 * A sample body for a variant, made unique with a `sample_id` field (both providers keep extra
 * keys) so repeated sends are distinct deliveries rather than duplicates.
 *
 * @example
 * ```ts
 * uniqueSampleBody(SAMPLE_PROVIDERS.pylon, 'IssueNewEvent');
 * ```
 */
export function uniqueSampleBody(provider: SampleProvider, variant: string): string {
  const payload = provider.valid[variant];
  return JSON.stringify({ ...(payload as Record<string, unknown>), sample_id: randomUUID() });
}

/** The exact body of a fixture case. */
export function caseBody(sample: FixtureCase): string {
  return sample.raw ?? JSON.stringify(sample.payload);
}
