import { caseBody, SAMPLE_PROVIDERS, selectVariants, uniqueSampleBody, type SampleProvider } from './samples.js';
import { resolveSecret, secretEnvName } from './secrets.js';
import { endpointFor, postDelivery, type SendResult } from './send.js';

/** Where output goes (a test passes its own). */
export interface Io {
  log(line: string): void;
  error(line: string): void;
}

/** Options shared by the commands that send. */
export interface SendOptions {
  /** Base URL the provider id is appended to. Default `http://127.0.0.1:$PORT/api/webhooks` (PORT 3000). */
  url: string;
  /** Where `secrets.json` is looked for. Default `./data`. */
  dataDir: string;
  secret?: string | undefined;
}

/** One line of a demo plan: what is sent and what the gateway should answer. */
export interface PlannedDelivery {
  provider: string;
  label: string;
  expect: { status: number; kind: string };
  headers: Record<string, string>;
  body: string;
}

/** Thrown for problems the user fixes with a flag (no stack trace printed). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function providerOf(id: string): SampleProvider {
  const provider = SAMPLE_PROVIDERS[id as keyof typeof SAMPLE_PROVIDERS];
  if (!provider) throw new UsageError(`Unknown provider "${id}". Known: ${Object.keys(SAMPLE_PROVIDERS).join(', ')}.`);
  return provider;
}

/** The secret to sign with, or a UsageError naming every place that was looked at. */
export async function secretFor(provider: string, options: SendOptions): Promise<string> {
  const found = await resolveSecret(provider, options);
  if (!found) {
    throw new UsageError(
      `No secret for ${provider}: pass --secret, set ${secretEnvName(provider)}, or start the dashboard once ` +
        `(pnpm start) so it writes ${options.dataDir}/secrets.json.`,
    );
  }
  return found.secret;
}

/**
 * `hookgate send <provider> [--event NAME] [--count N]`: sends `count` correctly signed sample
 * deliveries (cycling through the selected variants), each unique.
 *
 * @example
 * ```ts
 * await sendCommand({ provider: 'pylon', event: 'IssueNewEvent', count: 3, url, dataDir: './data' }, console);
 * ```
 */
export async function sendCommand(
  options: SendOptions & { provider: string; event?: string | undefined; count: number },
  io: Io,
): Promise<SendResult[]> {
  const provider = providerOf(options.provider);
  const variants = selectVariants(provider, options.event);
  if (variants.length === 0) {
    throw new UsageError(`Unknown event "${options.event}" for ${provider.id}. Known: ${selectVariants(provider, undefined).join(', ')}.`);
  }
  if (!Number.isInteger(options.count) || options.count < 1) throw new UsageError('--count must be a positive integer.');
  const secret = await secretFor(provider.id, options);
  const url = endpointFor(options.url, provider.id);
  const results: SendResult[] = [];
  for (let i = 0; i < options.count; i++) {
    const variant = variants[i % variants.length]!;
    const result = await postDelivery(url, provider.sign(uniqueSampleBody(provider, variant), secret, Date.now()));
    results.push(result);
    io.log(formatResult(`${provider.id} ${variant}`, result));
  }
  return results;
}

/**
 * The mixed sample `pnpm demo` sends per provider: every variant once (handled), one exact
 * resend (duplicate), one body changed after signing (401), unknown and invalid bodies.
 *
 * @example
 * ```ts
 * const plan = demoPlan('pylon', 'secret');
 * ```
 */
export function demoPlan(providerId: string, secret: string, now: number = Date.now()): PlannedDelivery[] {
  const provider = providerOf(providerId);
  const plan: PlannedDelivery[] = [];
  const add = (label: string, expect: PlannedDelivery['expect'], signed: { headers: Record<string, string>; body: string }): void => {
    plan.push({ provider: provider.id, label, expect, ...signed });
  };
  for (const variant of selectVariants(provider, undefined)) {
    add(variant, { status: 200, kind: 'handled' }, provider.sign(uniqueSampleBody(provider, variant), secret, now));
  }
  const first = plan[0]!;
  add(`${first.label} (resent)`, { status: 200, kind: 'duplicate' }, { headers: first.headers, body: first.body });
  const tampered = provider.sign(uniqueSampleBody(provider, first.label), secret, now);
  add(`${first.label} (tampered)`, { status: 401, kind: 'rejected_signature' }, {
    headers: tampered.headers,
    body: tampered.body.replace(/}$/, ',"tampered":true}'),
  });
  for (const [name, sample] of Object.entries(provider.unknown).slice(0, 2)) {
    add(`unknown: ${name}`, { status: 202, kind: 'unknown_event' }, provider.sign(caseBody(sample), secret, now));
  }
  for (const [name, sample] of Object.entries(provider.invalid).slice(0, 2)) {
    const expect = sample.expected.kind === 'invalid_payload' ? { status: 400, kind: 'invalid_payload' } : { status: 202, kind: 'unknown_event' };
    add(`invalid: ${name}`, expect, provider.sign(caseBody(sample), secret, now));
  }
  return plan;
}

/**
 * `hookgate demo`: sends {@link demoPlan} for every provider and checks each answer. Resolves
 * to the number of answers that differed from what was expected.
 *
 * @example
 * ```ts
 * const mismatches = await demoCommand({ url: 'http://127.0.0.1:3000/api/webhooks', dataDir: './data' }, console);
 * ```
 */
export async function demoCommand(options: SendOptions, io: Io): Promise<number> {
  let mismatches = 0;
  let sent = 0;
  for (const id of Object.keys(SAMPLE_PROVIDERS)) {
    const secret = await secretFor(id, options);
    for (const planned of demoPlan(id, secret)) {
      const result = await postDelivery(endpointFor(options.url, planned.provider), planned);
      sent++;
      const ok = result.status === planned.expect.status && result.kind === planned.expect.kind;
      if (!ok) mismatches++;
      io.log(`${ok ? '✓' : '✗'} ${formatResult(`${planned.provider} ${planned.label}`, result)}${ok ? '' : `  (expected ${planned.expect.status} ${planned.expect.kind})`}`);
    }
  }
  io.log(`${sent} deliveries sent, ${sent - mismatches} answered as expected${mismatches ? `, ${mismatches} not` : ''}.`);
  return mismatches;
}

function formatResult(label: string, result: SendResult): string {
  const detail = [result.kind, result.reason && result.reason !== result.kind ? result.reason : undefined, result.deliveryId]
    .filter(Boolean)
    .join(' ');
  return `${label.padEnd(48)} → ${result.status} ${detail}`;
}
