import { findProvider, findSigningSecret, providerIds, type HookgateConfig, type RegisteredProvider } from '@hookgate/config';
import { OUTCOME_STATUS } from '@hookgate/core';
import { sampleKit, signCase, type ExpectedOutcome, type SampleKit, type SignedSample } from './samples.js';
import { endpointFor, postDelivery, type SendResult } from './send.js';
import { UsageError } from './usage-error.js';

export { UsageError } from './usage-error.js';

/** Where output goes (a test passes its own). */
export interface Io {
  log(line: string): void;
  error(line: string): void;
}

/** Options shared by the commands that send. */
export interface SendOptions {
  /** The provider registry (`hookgate.config.ts`). */
  config: HookgateConfig;
  /** Base URL the provider id is appended to. Default `http://127.0.0.1:$PORT/api/webhooks` (PORT 3000). */
  url: string;
  /** Where `secrets.json` is looked for. Default `./data`. */
  dataDir: string;
  /** Signing secret; default the provider's variable, else `secrets.json`. */
  secret?: string | undefined;
  /** Environment the secret variables are read from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** One line of a demo plan: what is sent and what the gateway should answer. */
export interface PlannedDelivery extends SignedSample {
  provider: string;
  label: string;
  expect: ExpectedOutcome;
}

/**
 * The registered provider at route `id`.
 *
 * @throws {UsageError} naming the registered providers when there is none.
 * @example
 * ```ts
 * const entry = registeredProvider(config, 'acme');
 * ```
 */
export function registeredProvider(config: HookgateConfig, id: string): RegisteredProvider {
  const entry = findProvider(config, id);
  if (!entry) throw new UsageError(`Unknown provider "${id}". Registered in the Hookgate config: ${providerIds(config).join(', ')}.`);
  return entry;
}

/**
 * The secret to sign with for a provider: `--secret`, its variable, or `secrets.json`.
 *
 * @throws {UsageError} naming every place that was looked at when none has one.
 * @example
 * ```ts
 * const secret = await secretFor(entry, { config, url, dataDir: './data' });
 * ```
 */
export async function secretFor(entry: RegisteredProvider, options: SendOptions): Promise<string> {
  if (options.secret) return options.secret;
  const found = await findSigningSecret(entry, { dataDir: options.dataDir, env: options.env ?? process.env });
  if (!found) {
    throw new UsageError(
      `No secret for ${entry.id}: pass --secret, set ${entry.secret.env}, or start the dashboard once ` +
        `(pnpm start) so it writes ${options.dataDir}/secrets.json.`,
    );
  }
  return found.secret;
}

/**
 * `hookgate send <provider> [--event NAME] [--count N]`: sends `count` correctly signed sample
 * deliveries (cycling through the selected variants), each unique.
 *
 * @throws {UsageError} for an unknown provider or event (listing the choices), or a bad count.
 * @example
 * ```ts
 * await sendCommand({ config, provider: 'acme', event: 'order.paid', count: 3, url, dataDir: './data' }, console);
 * ```
 */
export async function sendCommand(options: SendOptions & { provider: string; event?: string | undefined; count: number }, io: Io): Promise<SendResult[]> {
  const kit = sampleKit(registeredProvider(options.config, options.provider));
  const variants = kit.select(options.event);
  if (!Number.isInteger(options.count) || options.count < 1) throw new UsageError('--count must be a positive integer.');
  const secret = await secretFor(kit.entry, options);
  const url = endpointFor(options.url, kit.entry.id);
  const results: SendResult[] = [];
  for (let i = 0; i < options.count; i++) {
    const variant = variants[i % variants.length]!;
    const result = await postDelivery(url, kit.sign(kit.uniqueBody(variant), secret, Date.now(), variant));
    results.push(result);
    io.log(formatResult(`${kit.entry.id} ${variant}`, result));
  }
  return results;
}

/**
 * The mixed sample `pnpm demo` sends for one provider: every variant once (handled), one exact
 * resend (duplicate), one body changed after signing (signature rejected), and up to two unknown
 * and two invalid bodies, each with the answer core gives it (`OUTCOME_STATUS`).
 *
 * @throws {UsageError} when the provider has no signer or fixtures in the config.
 * @example
 * ```ts
 * const plan = demoPlan(sampleKit(registeredProvider(config, 'acme')), 'secret');
 * ```
 */
export function demoPlan(kit: SampleKit, secret: string, now: number = Date.now()): PlannedDelivery[] {
  const provider = kit.entry.id;
  const expect = (kind: 'handled' | 'duplicate' | 'rejected_signature'): ExpectedOutcome => ({ status: OUTCOME_STATUS[kind], kind });
  const plan: PlannedDelivery[] = kit.variants.map((variant) => ({
    provider,
    label: variant,
    expect: expect('handled'),
    ...kit.sign(kit.uniqueBody(variant), secret, now, variant),
  }));
  const first = plan[0];
  if (first) {
    plan.push({ ...first, label: `${first.label} (resent)`, expect: expect('duplicate') });
    const signed = kit.sign(kit.uniqueBody(first.label), secret, now, first.label);
    plan.push({ provider, label: `${first.label} (tampered)`, expect: expect('rejected_signature'), headers: signed.headers, body: tamper(signed.body) });
  }
  for (const { name, sample, expect: outcome } of [...kit.unknownCases().slice(0, 2), ...kit.invalidCases().slice(0, 2)]) {
    plan.push({
      provider,
      label: `${outcome.kind === 'invalid_payload' ? 'invalid' : 'unknown'}: ${name}`,
      expect: outcome,
      ...signCase(kit, sample, secret, now),
    });
  }
  return plan;
}

/**
 * `hookgate demo`: sends {@link demoPlan} for every registered provider that has a signer and
 * fixtures, and checks each answer. Resolves to the number of answers that differed from what
 * was expected.
 *
 * @example
 * ```ts
 * const mismatches = await demoCommand({ config, url: 'http://127.0.0.1:3000/api/webhooks', dataDir: './data' }, console);
 * ```
 */
export async function demoCommand(options: SendOptions, io: Io): Promise<number> {
  let mismatches = 0;
  let sent = 0;
  const kits = options.config.providers.flatMap((entry) => {
    if (entry.sign && entry.fixtures) return [sampleKit(entry)];
    io.log(`– ${entry.id}: skipped (no sign/fixtures in the Hookgate config)`);
    return [];
  });
  if (kits.length === 0) throw new UsageError('No provider in the Hookgate config has a signer and fixtures to send a demo with.');
  // Every secret first: a provider without one stops the demo before anything is sent, not halfway.
  const secrets: string[] = [];
  for (const kit of kits) secrets.push(await secretFor(kit.entry, options));
  for (const [index, kit] of kits.entries()) {
    for (const planned of demoPlan(kit, secrets[index]!)) {
      const result = await postDelivery(endpointFor(options.url, planned.provider), planned);
      sent++;
      const ok = answered(result, planned.expect);
      if (!ok) mismatches++;
      io.log(
        `${ok ? '✓' : '✗'} ${formatResult(`${planned.provider} ${planned.label}`, result)}${ok ? '' : `  (expected ${planned.expect.status} ${planned.expect.kind})`}`,
      );
    }
  }
  io.log(`${sent} deliveries sent to ${kits.length} providers, ${sent - mismatches} answered as expected${mismatches ? `, ${mismatches} not` : ''}.`);
  return mismatches;
}

// A provider reply replaces core's JSON only for handled and duplicate deliveries.
function answered(result: SendResult, expect: ExpectedOutcome): boolean {
  if (result.status !== expect.status) return false;
  return result.kind === expect.kind || (result.kind === 'provider_reply' && (expect.kind === 'handled' || expect.kind === 'duplicate'));
}

// A change after signing: an extra field in a JSON object, else a trailing newline.
function tamper(body: string): string {
  return body.endsWith('}') ? `${body.slice(0, -1)}${body.length > 2 ? ',' : ''}"tampered":true}` : `${body}\n`;
}

/**
 * One result line: label, status, kind, reason and delivery id.
 *
 * @example
 * ```ts
 * io.log(formatResult('acme order.paid', { status: 200, kind: 'handled', deliveryId: '0193…' }));
 * ```
 */
export function formatResult(label: string, result: SendResult): string {
  const detail = [result.kind, result.reason && result.reason !== result.kind ? result.reason : undefined, result.deliveryId].filter(Boolean).join(' ');
  return `${label.padEnd(48)} → ${result.status} ${detail}`;
}
