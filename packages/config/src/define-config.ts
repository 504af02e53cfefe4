import { randomBytes } from 'node:crypto';
import {
  HookgateError,
  normalizeRetryPolicy,
  type EventMap,
  type EventMapOf,
  type HandlerMode,
  type Provider,
  type RetryPolicy,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from '@hookgate/core';

/**
 * A sample body that is not a valid event, with the outcome a receiver must give it (the shape
 * of a provider package's `fixtures.invalid` / `fixtures.unknown` entries). Any other field (a
 * `topic`, say) is handed to the provider's `sign` as an option; a null one is left out.
 */
export interface ProviderSampleCase {
  readonly description?: string;
  /** The body as a JSON value (sent as `JSON.stringify(payload)`), unless `raw` is given. */
  readonly payload?: unknown;
  /** The exact body text, for bodies that are not JSON. */
  readonly raw?: string;
  /** The event name the sender would announce (for providers that name it in a header); null: none. */
  readonly event?: string | null;
  /** What the gateway answers: an outcome kind such as `invalid_payload` or `unknown_event`. */
  readonly expected?: { readonly kind: string; readonly reason?: string };
}

/**
 * Sample deliveries of a provider — what its package exports as `fixtures` — used by
 * `hookgate send`, `hookgate demo` and tests. Read lazily: nothing is accessed at config time.
 */
export interface ProviderFixtures {
  /**
   * One valid sample per variant name (the names in `provider.events`): the payload itself, or
   * `{ event, payload }` (exactly these two keys) for senders that announce the event outside the
   * body, e.g. in a header.
   */
  readonly valid: Readonly<Record<string, unknown>>;
  /** Bodies the gateway refuses as invalid payloads (or, for some providers, unknown events). */
  readonly invalid?: Readonly<Record<string, ProviderSampleCase>>;
  /** Well-formed bodies of events the provider does not define. */
  readonly unknown?: Readonly<Record<string, ProviderSampleCase>>;
  /** Bodies that match several variants (oneOf providers). */
  readonly ambiguous?: Readonly<Record<string, ProviderSampleCase>>;
}

/** What a {@link ProviderSigner} is asked to sign. */
export interface SampleSignInput {
  /** The exact body, sent unchanged. */
  body: string;
  secret: string;
  /** Clock in epoch milliseconds for the timestamp. */
  now: number;
  /** The event name being sent, for senders that announce it in a header (`''` when there is none). */
  event: string;
  /** The variant name being sent, when known. */
  variant?: string | undefined;
}

/**
 * Signs a body as the provider's sender would — a provider package's `sign…` helper
 * (`signPylon`, `signWebhooksB`, …) fits as it is.
 */
export type ProviderSigner = (input: SampleSignInput) => { headers: Record<string, string>; body: string | Uint8Array };

/** Per-provider handler options (see `createWebhookHandler`); validated by core when the gateway is built. */
export type ProviderHandlerOptions = Omit<WebhookHandlerOptions<EventMap>, 'provider' | 'secret' | 'secrets' | 'store' | 'now' | 'mode'>;

/** Where a provider's secret comes from, in order: the environment variable, then `secrets.json`, then generated. */
export interface ProviderSecretSource {
  /** Environment variable holding the secret (several, comma-separated, during rotation). Default `HOOKGATE_SECRET_<ID>`. */
  readonly env?: string;
  /** Key in `<data dir>/secrets.json`. Default the route id. */
  readonly key?: string;
  /**
   * Makes a secret when neither the variable nor the file has one. Default: 32 random bytes as
   * hex, or as base64 (`whsec_` + base64) when the provider's verification reads base64 secrets.
   */
  readonly generate?: () => string;
}

/** One provider the gateway serves: the provider itself, and optionally how to sign samples for it. */
export interface ProviderEntry<P extends Provider<EventMap> = Provider<EventMap>> {
  /** The provider definition, e.g. `pylon()` or your own `defineProvider(…)`. */
  readonly provider: P;
  /** Route id: deliveries arrive at `/api/webhooks/<id>` and are recorded under it. Default `provider.id`. */
  readonly id?: string;
  readonly secret?: ProviderSecretSource;
  /** Signs sample bodies (`hookgate send`, `demo`, `replay`); without it the CLI cannot send to this provider. */
  readonly sign?: ProviderSigner;
  /** Sample bodies; `send` and `demo` need `fixtures.valid`. */
  readonly fixtures?: ProviderFixtures;
  /** Per-provider handler options (`maxBodyBytes`, `dedupeWindowSeconds`, …). */
  readonly handler?: ProviderHandlerOptions;
  /**
   * Registers the provider's listeners on the handler built from this entry — in the gateway
   * (inline mode) and in `hookgate worker` (inbox mode), so both run the same code. Typed by the
   * entry's provider when the config is written with {@link defineConfig}: `handler.on(event, …)`
   * knows that provider's events and payloads.
   */
  listen?(handler: WebhookHandler<EventMapOf<P>>): void;
}

/**
 * How the gateway built from the config runs listeners (`inbox` in {@link HookgateConfigInput}).
 *
 * @example
 * ```ts
 * const inbox: InboxConfig = { mode: 'inbox', concurrency: 8, retry: { maxAttempts: 5 } };
 * ```
 */
export interface InboxConfig {
  /** `inline` (default): listeners run in the request. `inbox`: answered 202 once queued; `hookgate worker` runs them. */
  readonly mode?: HandlerMode;
  /** Listeners a worker runs at once. Default 4. */
  readonly concurrency?: number;
  /**
   * Seconds a job stays with a worker that stopped answering before another worker gets it.
   * Renewed every half lease while a listener runs (memory, SQLite and PostgreSQL). Default 60.
   */
  readonly leaseSeconds?: number;
  /** Attempts and backoff before a delivery is `dead`. */
  readonly retry?: RetryPolicy;
}

/** What `defineConfig()` takes: `{ providers: [...] }`. A bare provider is short for `{ provider }`. */
export interface HookgateConfigInput {
  readonly providers: ReadonlyArray<ProviderEntry | Provider<EventMap>>;
  /** Inbox mode and its workers (default: inline, listeners run in the request). */
  readonly inbox?: InboxConfig;
}

/** A validated {@link ProviderEntry} with every default filled in. */
export interface RegisteredProvider extends ProviderEntry {
  readonly id: string;
  readonly secret: Required<ProviderSecretSource>;
  readonly handler: ProviderHandlerOptions;
}

/** The validated registry: the providers the gateway serves, in display order. */
export interface HookgateConfig {
  readonly providers: readonly RegisteredProvider[];
  /** Inbox settings as given (empty: inline mode). */
  readonly inbox?: InboxConfig;
}

const ROUTE_ID = /^[a-z0-9][a-z0-9._-]*$/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENTRY_KEYS = new Set(['provider', 'id', 'secret', 'sign', 'fixtures', 'handler', 'listen']);
const INBOX_KEYS = new Set(['mode', 'concurrency', 'leaseSeconds', 'retry']);
const SECRET_KEYS = new Set(['env', 'key', 'generate']);

/**
 * The environment variable a route id reads its secret from by default: `HOOKGATE_SECRET_` and the
 * id in upper case, other characters as `_`.
 *
 * @example
 * ```ts
 * defaultSecretEnv('acme-eu'); // 'HOOKGATE_SECRET_ACME_EU'
 * ```
 */
export function defaultSecretEnv(id: string): string {
  return `HOOKGATE_SECRET_${id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/**
 * Declares the providers a Hookgate gateway serves — the one registry the dashboard (routes,
 * filters, charts) and the CLI (`send`, `demo`, `replay`) derive from. Validates everything at
 * once and fills in defaults (route id, secret variable, `secrets.json` key, secret generator).
 *
 * @throws {HookgateError} `invalid_config`, listing every problem with its path.
 * @example
 * ```ts
 * // hookgate.config.ts
 * import { defineConfig } from '@hookgate/config';
 * import { acme, fixtures, signAcme } from './acme-provider';
 *
 * export default defineConfig({
 *   providers: [{ provider: acme(), sign: signAcme, fixtures }],
 * });
 * ```
 */
export function defineConfig<const P extends ReadonlyArray<Provider<EventMap>>>(input: TypedConfigInput<P>): HookgateConfig;
export function defineConfig(input: HookgateConfigInput): HookgateConfig;
export function defineConfig(input: HookgateConfigInput): HookgateConfig {
  return validateConfig(input);
}

/**
 * {@link HookgateConfigInput} with each entry typed by its own provider, so `listen` gets a
 * handler that knows that provider's events (what {@link defineConfig} infers).
 *
 * @example
 * ```ts
 * const input: TypedConfigInput<[ReturnType<typeof pylon>]> = { providers: [{ provider: pylon(), listen: (h) => h.on('IssueNewEvent', (e) => e.issue_title) }] };
 * ```
 */
export interface TypedConfigInput<P extends ReadonlyArray<Provider<EventMap>>> {
  readonly providers: { readonly [K in keyof P]: ProviderEntry<P[K]> | P[K] };
  /** Inbox mode and its workers (default: inline, listeners run in the request). */
  readonly inbox?: InboxConfig;
}

/**
 * Validates a config value of unknown origin (a loaded module's default export) exactly as
 * {@link defineConfig} does; an already validated config passes unchanged in meaning.
 *
 * @throws {HookgateError} `invalid_config`, listing every problem; `source` (a file name) is named in the message.
 * @example
 * ```ts
 * const config = validateConfig((await import('./hookgate.config.js')).default, 'hookgate.config.js');
 * ```
 */
export function validateConfig(input: unknown, source?: string): HookgateConfig {
  const issues: string[] = [];
  const providers: RegisteredProvider[] = [];
  const named: RegisteredProvider[] = [];
  if (!isObject(input)) {
    issues.push(`the config must be an object like { providers: [...] } (got ${describe(input)})`);
  } else {
    for (const key of Object.keys(input)) if (key !== 'providers' && key !== 'inbox') issues.push(`unknown option "${key}" (known: providers, inbox)`);
    if (input.inbox !== undefined) validateInbox(input.inbox, issues);
    const list = input.providers;
    if (!Array.isArray(list)) issues.push(`providers must be a list of { provider, … } entries (got ${describe(list)})`);
    else if (list.length === 0) issues.push('providers is empty: list at least one provider');
    else
      list.forEach((entry, index) => {
        const before = issues.length;
        const registered = validateEntry(entry, `providers[${index}]`, issues);
        if (registered === undefined) return;
        // An entry with other problems still counts for the uniqueness checks, so one run lists them all.
        named.push(registered);
        if (issues.length === before) providers.push(registered);
      });
  }
  checkUnique(named, (p) => p.id, 'route id', 'give one of them its own `id`', issues);
  checkUnique(named, (p) => p.secret.env, 'secret.env', 'give each provider its own variable', issues);
  checkUnique(named, (p) => p.secret.key, 'secret.key', 'give each provider its own key', issues);
  if (issues.length > 0) {
    throw new HookgateError('invalid_config', `Invalid Hookgate config${source ? ` (${source})` : ''}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
  }
  const inbox = (isObject(input) && isObject(input.inbox) ? input.inbox : {}) as InboxConfig;
  return { providers, inbox };
}

function validateInbox(inbox: unknown, issues: string[]): void {
  if (!isObject(inbox)) {
    issues.push(`inbox must be an object like { mode: 'inbox' } (got ${describe(inbox)})`);
    return;
  }
  for (const key of Object.keys(inbox)) if (!INBOX_KEYS.has(key)) issues.push(`inbox: unknown option "${key}" (known: ${[...INBOX_KEYS].join(', ')})`);
  if (inbox.mode !== undefined && inbox.mode !== 'inline' && inbox.mode !== 'inbox') {
    issues.push(`inbox.mode must be 'inline' or 'inbox' (got ${describe(inbox.mode)})`);
  }
  if (inbox.concurrency !== undefined && !(Number.isSafeInteger(inbox.concurrency) && (inbox.concurrency as number) >= 1)) {
    issues.push(`inbox.concurrency must be a positive integer (got ${describe(inbox.concurrency)})`);
  }
  if (inbox.leaseSeconds !== undefined && !(typeof inbox.leaseSeconds === 'number' && inbox.leaseSeconds > 0)) {
    issues.push(`inbox.leaseSeconds must be a positive number (got ${describe(inbox.leaseSeconds)})`);
  }
  if (inbox.retry !== undefined) {
    try {
      if (!isObject(inbox.retry)) throw new Error(`must be an object like { maxAttempts: 5 } (got ${describe(inbox.retry)})`);
      normalizeRetryPolicy(inbox.retry as RetryPolicy);
    } catch (error) {
      issues.push(`inbox.retry: ${(error as Error).message}`);
    }
  }
}

function validateEntry(value: unknown, at: string, issues: string[]): RegisteredProvider | undefined {
  if (isProvider(value)) value = { provider: value };
  if (!isObject(value)) {
    issues.push(`${at} must be an entry like { provider: acme() } (got ${describe(value)})`);
    return undefined;
  }
  const entry = value;
  const provider = entry.provider;
  const label = isProvider(provider) ? `${at} (${provider.id})` : at;
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) issues.push(`${label}: unknown option "${key}" (known: ${[...ENTRY_KEYS].join(', ')})`);
  }
  if (typeof provider === 'function') {
    issues.push(`${label}.provider is a function; call it to get the provider: provider: ${provider.name || 'acme'}()`);
  } else if (!isProvider(provider)) {
    issues.push(`${label}.provider must be a provider built with defineProvider() (got ${describe(provider)})`);
  }
  const id = entry.id ?? (isProvider(provider) ? provider.id : undefined);
  if (entry.id !== undefined && (typeof entry.id !== 'string' || !ROUTE_ID.test(entry.id))) {
    issues.push(`${label}.id must be URL-safe (letters, digits, . _ -, not starting with . _ -) (got ${describe(entry.id)})`);
  }
  const secret = entry.secret;
  if (secret !== undefined) {
    // Never echo it: a string here is most likely the secret itself.
    if (!isObject(secret))
      issues.push(`${label}.secret must be an object like { env: 'ACME_SECRET' } naming where the secret is, not the secret (got ${typeOf(secret)})`);
    else {
      for (const key of Object.keys(secret)) if (!SECRET_KEYS.has(key)) issues.push(`${label}.secret: unknown option "${key}" (known: env, key, generate)`);
      if (secret.env !== undefined && (typeof secret.env !== 'string' || !ENV_NAME.test(secret.env))) {
        // Not echoed either: a value that is no variable name may be the secret pasted in.
        issues.push(
          `${label}.secret.env must be an environment variable name such as HOOKGATE_SECRET_ACME (letters, digits, _; got ${typeOf(secret.env)} that is not one)`,
        );
      }
      if (secret.key !== undefined && (typeof secret.key !== 'string' || secret.key.length === 0)) {
        issues.push(`${label}.secret.key must be a non-empty string (got ${describe(secret.key)})`);
      }
      if (secret.generate !== undefined && typeof secret.generate !== 'function') {
        issues.push(`${label}.secret.generate must be a function returning a new secret (got ${describe(secret.generate)})`);
      }
    }
  }
  if (entry.listen !== undefined && typeof entry.listen !== 'function') {
    issues.push(`${label}.listen must be a function (handler) => { handler.on(…) } (got ${describe(entry.listen)})`);
  }
  if (entry.sign !== undefined && typeof entry.sign !== 'function') {
    issues.push(`${label}.sign must be a function such as the provider package's sign… helper (got ${describe(entry.sign)})`);
  }
  // Only the shape: fixtures are read lazily (provider packages read files on access).
  if (entry.fixtures !== undefined && !(isObject(entry.fixtures) && 'valid' in entry.fixtures)) {
    issues.push(`${label}.fixtures must be an object with \`valid\` samples, such as the provider package's \`fixtures\` (got ${describe(entry.fixtures)})`);
  }
  if (entry.handler !== undefined) {
    if (!isObject(entry.handler)) issues.push(`${label}.handler must be an object of handler options (got ${describe(entry.handler)})`);
    else {
      for (const [key, option] of Object.entries(entry.handler)) {
        if (option !== undefined && (typeof option !== 'number' || !Number.isFinite(option) || option < 0)) {
          issues.push(`${label}.handler.${key} must be a non-negative number (got ${describe(option)})`);
        }
      }
    }
  }
  // With other problems too: the caller still checks its id, variable and key against the others.
  if (!isProvider(provider) || typeof id !== 'string') return undefined;
  const source = (isObject(secret) ? secret : {}) as ProviderSecretSource;
  return {
    ...(entry as unknown as ProviderEntry),
    provider,
    id,
    secret: {
      env: source.env ?? defaultSecretEnv(id),
      key: source.key ?? id,
      generate: source.generate ?? secretGenerator(provider),
    },
    handler: (entry.handler ?? {}) as ProviderHandlerOptions,
  };
}

// Secrets are generated in the format the provider's verification reads, so a generated secret
// always verifies what the CLI signs with it.
function secretGenerator(provider: Provider<EventMap>): () => string {
  const format = (provider.verification as { secretFormat?: unknown }).secretFormat;
  if (format === 'whsec_base64') return () => `whsec_${randomBytes(32).toString('base64')}`;
  if (format === 'base64') return () => randomBytes(32).toString('base64');
  return () => randomBytes(32).toString('hex');
}

function checkUnique(
  providers: readonly RegisteredProvider[],
  key: (provider: RegisteredProvider) => string,
  what: string,
  fix: string,
  issues: string[],
): void {
  const seen = new Map<string, string>();
  for (const provider of providers) {
    const value = key(provider);
    const first = seen.get(value);
    if (first !== undefined) issues.push(`${what} "${value}" is used by both ${first} and ${provider.id}; ${fix}`);
    else seen.set(value, provider.id);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isProvider(value: unknown): value is Provider<EventMap> {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    isObject(value.events) &&
    typeof value.parse === 'function' &&
    isObject(value.verification) &&
    typeof value.verification.verify === 'function'
  );
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return JSON.stringify(value);
}
