/**
 * Every sample delivery of the preset provider packages (GitHub, Stripe, Standard Webhooks),
 * signed with their own signers, with the status and outcome kind an adapter must answer: the
 * conformance suite's `presets` kit. Test-only (reads fixture files); the routes themselves are in
 * runtime/preset-handlers.ts, which the other runtimes serve.
 */
import { OUTCOME_STATUS, type OutcomeKind } from '@hookgate/core';
import { fixtures as githubFixtures, signGitHub } from '@hookgate/provider-github';
import { fixtures as standardFixtures, signStandardWebhook } from '@hookgate/provider-standard-webhooks';
import { fixtures as stripeFixtures, signStripe } from '@hookgate/provider-stripe';
import { lowerCaseNames, SECRET, type PresetCase, type PresetKit } from '@hookgate/testkit';
import { presetHandlers, STANDARD_WEBHOOKS_SECRET } from './runtime/preset-handlers.js';

type PresetId = 'github' | 'stripe' | 'standard-webhooks';

interface Sample {
  payload?: unknown;
  raw?: string;
  event?: string | null;
  expected: { kind: OutcomeKind; reason: string };
}

type Signer = (body: string, sample: { event?: string | null | undefined }) => Record<string, string>;

const SIGNERS: Record<PresetId, Signer> = {
  github: (body, sample) => {
    const { headers } = signGitHub({ body, secret: SECRET, event: sample.event ?? 'ping' });
    // `event: null` fixtures are sent without the header (the signature covers the body only).
    if (sample.event === null) delete headers['x-github-event'];
    return headers;
  },
  stripe: (body) => signStripe({ body, secret: SECRET }).headers,
  'standard-webhooks': (body) => signStandardWebhook({ body, secret: STANDARD_WEBHOOKS_SECRET }).headers,
};

/** Every preset fixture, signed. */
function presetCases(): PresetCase[] {
  const cases: PresetCase[] = [];
  const add = (
    providerId: PresetId,
    group: string,
    name: string,
    body: string,
    sample: { event?: string | null | undefined },
    kind: OutcomeKind,
    reason?: string,
  ) => {
    const entry: PresetCase = {
      name: `${providerId} ${group} ${name}`,
      providerId,
      delivery: { body, headers: lowerCaseNames(SIGNERS[providerId](body, sample)) },
      status: OUTCOME_STATUS[kind],
      kind,
    };
    if (reason !== undefined) entry.reason = reason;
    cases.push(entry);
  };
  const sets = [
    ['github', githubFixtures],
    ['stripe', stripeFixtures],
    ['standard-webhooks', standardFixtures],
  ] as const;
  for (const [providerId, samples] of sets) {
    for (const [name, value] of Object.entries(samples.valid as Record<string, unknown>)) {
      // GitHub's valid samples are `{ event, payload }`; the others are the payload itself.
      const sample: { event?: string; payload: unknown } = providerId === 'github' ? (value as { event: string; payload: unknown }) : { payload: value };
      add(providerId, 'valid', name, JSON.stringify(sample.payload), sample, 'handled');
    }
    for (const group of ['invalid', 'unknown'] as const) {
      for (const [name, sample] of Object.entries(samples[group] as unknown as Record<string, Sample>)) {
        add(providerId, group, name, sample.raw ?? JSON.stringify(sample.payload), sample, sample.expected.kind, sample.expected.reason);
      }
    }
  }
  return cases;
}

/** The conformance suite's `presets`: the three routes and their signed fixtures. */
export const presets: PresetKit = { handlers: presetHandlers, cases: presetCases };
