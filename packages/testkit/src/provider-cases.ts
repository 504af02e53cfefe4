/**
 * Every sample delivery of the provider packages, signed with their own signers, with the
 * status and outcome kind an adapter must answer. Test-only (reads the fixture files).
 */
import { OUTCOME_STATUS, type OutcomeKind } from '@hookgate/core';
import { fixtures as pylonFixtures, signPylon } from '@hookgate/provider-pylon';
import { fixtures as webhooksBFixtures, signWebhooksB } from '@hookgate/provider-webhooks-b';
import { SECRET, lowerCaseNames, type Delivery } from './kit.js';

export interface ProviderCase {
  /** `pylon valid IssueNewEvent`, `webhooks-b ambiguous three-events`, … */
  name: string;
  providerId: 'pylon' | 'webhooks-b';
  delivery: Delivery;
  status: number;
  kind: OutcomeKind;
  reason?: string;
}

interface SampleCase {
  payload?: unknown;
  raw?: string;
  expected: { kind: OutcomeKind; reason: string };
}

const bodyOf = (sample: { payload?: unknown; raw?: string }): string => sample.raw ?? JSON.stringify(sample.payload);

/**
 * @example
 * ```ts
 * it.each(providerCases().map((c) => [c.name, c]))('%s', async (_name, c) => { … });
 * ```
 */
export function providerCases(): ProviderCase[] {
  const cases: ProviderCase[] = [];
  const sign = {
    pylon: (body: string) => signPylon({ body, secret: SECRET }),
    'webhooks-b': (body: string) => signWebhooksB({ body, secret: SECRET }),
  };
  const add = (providerId: ProviderCase['providerId'], group: string, name: string, body: string, kind: OutcomeKind, reason?: string) => {
    const { headers } = sign[providerId](body);
    const entry: ProviderCase = {
      name: `${providerId} ${group} ${name}`,
      providerId,
      delivery: { body, headers: lowerCaseNames(headers) },
      status: OUTCOME_STATUS[kind],
      kind,
    };
    if (reason !== undefined) entry.reason = reason;
    cases.push(entry);
  };
  for (const [providerId, samples] of [
    ['pylon', pylonFixtures],
    ['webhooks-b', webhooksBFixtures],
  ] as const) {
    for (const [name, payload] of Object.entries(samples.valid)) add(providerId, 'valid', name, JSON.stringify(payload), 'handled');
    for (const group of ['invalid', 'ambiguous', 'unknown'] as const) {
      const set = (samples as unknown as Record<string, Record<string, SampleCase> | undefined>)[group] ?? {};
      for (const [name, sample] of Object.entries(set)) add(providerId, group, name, bodyOf(sample), sample.expected.kind, sample.expected.reason);
    }
  }
  return cases;
}
