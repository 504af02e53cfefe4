import { cryptoBackend } from '#crypto';
import { utf8Bytes } from './bytes.js';
import { constantTimeEqual } from './constant-time.js';
import type { HmacAlgorithm, SyncCryptoBackend } from './crypto-backend.js';
import type { DigestEncoding } from './digest-encoding.js';
import { HookgateError } from './errors.js';
import { getHeader, isHeaderName } from './headers.js';
import { compileTemplate, type MessageChunk, type MessageTemplate } from './message-template.js';
import type { HeadersInput, WebhookRequest } from './request.js';
import { prepareSecrets, type Secret, type SecretFormat, type SecretKeys } from './secrets.js';
import { compileSignatureFormat, type SignatureFormat, type SignatureHeaderCodec } from './signature-header.js';

export type { KeyValueSignatureFormat, SignatureFormat, VersionedSignatureFormat } from './signature-header.js';
export { MAX_SIGNATURE_ENTRIES } from './signature-header.js';

export type { HmacAlgorithm } from './crypto-backend.js';

/** Fixed reason codes of a failed verification. */
export type VerificationFailureReason =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'missing_header'
  | 'timestamp_missing'
  | 'timestamp_invalid'
  | 'timestamp_too_old'
  | 'timestamp_in_future';

/** A passed verification: which secret matched and the exact message that was signed. */
export interface VerificationSuccess {
  readonly ok: true;
  readonly secretIndex: number;
  /** The signed message as chunks (what the dedupe key hashes when a provider has no event id). */
  readonly signedMessage: readonly MessageChunk[];
}

/** A failed verification. Never thrown: returned. */
export interface VerificationFailure {
  readonly ok: false;
  readonly reason: VerificationFailureReason;
  /** Human-readable detail; never contains a secret or an expected digest. */
  readonly message: string;
}

/**
 * What {@link VerificationStrategy.verify} returns: never thrown, always one of these.
 *
 * @example
 * ```ts
 * const result = strategy.verify(request, prepareSecrets(secret));
 * if (!result.ok) console.warn(result.reason); // 'signature_mismatch', 'timestamp_too_old', …
 * ```
 */
export type VerificationResult = VerificationSuccess | VerificationFailure;

/** What {@link VerificationStrategy.sign} needs to produce a sender's headers. */
export interface SignInput {
  /** One secret, or several: one signature per secret in the header (a sender rotating its secret). */
  secret: Secret | readonly Secret[];
  body: string | Uint8Array;
  /** Default `POST`. */
  method?: string | undefined;
  path?: string | undefined;
  /** Other headers the sender sends (and the template may read); returned merged. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Timestamp strategies: the value in the strategy's unit (default: now); a number is rounded
   * down to a whole one, a string is sent as given. `null` omits the timestamp (a body-only
   * signature where the strategy allows one).
   */
  timestamp?: number | string | null | undefined;
}

/**
 * A verification strategy: the extension point for senders the built-in {@link hmac} and
 * {@link hmacWithTimestamp} cannot describe. Providers carry one; the handler calls `verify`
 * with the secrets prepared once (in `secretFormat`) and the request's clock. `verify` must
 * never throw: every failure is a {@link VerificationFailure} with a fixed reason code.
 *
 * @example
 * ```ts
 * const strategy: VerificationStrategy = hmac({ header: 'X-Hub-Signature-256', signature: 'sha256={digest}' });
 * const headers = strategy.sign({ secret: 'whsec-test', body: '{}' });
 * strategy.verify({ method: 'POST', headers, rawBody: new TextEncoder().encode('{}') }, prepareSecrets('whsec-test')).ok; // true
 * ```
 */
export interface VerificationStrategy {
  /** `'hmac'` or `'hmac_timestamp'` for the built-in strategies; a custom strategy names itself. */
  readonly type: 'hmac' | 'hmac_timestamp' | (string & {});
  /** The HMAC hash (built-in strategies). */
  readonly algorithm?: HmacAlgorithm | undefined;
  /** How digests are written (built-in strategies). */
  readonly encoding?: DigestEncoding | undefined;
  readonly signatureHeader: string;
  /** The timestamp's own header, when it has one. */
  readonly timestampHeader?: string | undefined;
  /** How text secrets become key bytes (see {@link prepareSecrets}). Default `'raw'`. */
  readonly secretFormat?: SecretFormat | undefined;
  /** Headers that must never be recorded in clear (signature headers). */
  readonly redactHeaders: readonly string[];
  /**
   * Verifies `request` against prepared secrets; `now` is epoch milliseconds. Never throws for
   * anything a sender can cause. The built-in strategies verify synchronously with node:crypto
   * (Node, Bun, Deno); on runtimes with only Web Crypto (Cloudflare Workers, the Next.js Edge
   * runtime) they throw a `HookgateError` `unsupported_runtime`: use {@link verifyAsync} there.
   */
  verify(request: WebhookRequest, secrets: SecretKeys, now?: number): VerificationResult;
  /**
   * The same check on any runtime, as a promise (Web Crypto answers only asynchronously). The
   * built-in strategies have it; a handler calls it instead of `verify` when this runtime has no
   * node:crypto. Never rejects for anything a sender can cause.
   */
  verifyAsync?(request: WebhookRequest, secrets: SecretKeys, now?: number): Promise<VerificationResult>;
  /**
   * Returns the headers a real sender would send for this body (the test helper's core). The
   * built-in strategies sign with node:crypto: on runtimes without it they throw a
   * `HookgateError` with code `unsupported_runtime`.
   */
  sign(input: SignInput, now?: number): Record<string, string>;
  /**
   * For a strategy that reads one of several forms depending on what arrived (Shopify's
   * `X-Shopify-Hmac-Sha256` or its events form `Shopify-Hmac-Sha256`): the strategy that applies
   * to these headers, so tools that look at one header (the verification debugger) look at the
   * right one. Absent: the strategy itself applies to every request.
   *
   * @example
   * ```ts
   * const applied = strategy.forRequest?.(request.headers) ?? strategy;
   * applied.signatureHeader; // 'Shopify-Hmac-Sha256' for an events delivery
   * ```
   */
  forRequest?(headers: HeadersInput): VerificationStrategy;
}

/**
 * Options of {@link hmac}.
 *
 * @example
 * ```ts
 * const options: HmacOptions = { header: 'X-Signature', algorithm: 'sha512', encoding: 'base64', signature: 'v1={digest}' };
 * ```
 */
export interface HmacOptions {
  /** Header carrying the signature, e.g. `X-Hub-Signature-256`. Looked up case-insensitively. */
  header: string;
  /** Default `sha256`. */
  algorithm?: HmacAlgorithm | undefined;
  /** Default `hex`. */
  encoding?: DigestEncoding | undefined;
  /**
   * How signatures sit in the header (see {@link SignatureFormat}): a template such as
   * `v1={digest}` or `sha256={digest}` (default `{digest}`), a key-value list
   * `{ type: 'key-value', signatureKey: 'v1', timestampKey: 't' }` (Stripe) or a versioned list
   * `{ type: 'versioned', version: 'v1' }` (Standard Webhooks). Any one signature may match; at
   * most {@link MAX_SIGNATURE_ENTRIES} entries are read.
   */
  signature?: SignatureFormat | undefined;
  /** How text secrets become key bytes: `'raw'` (default), `'base64'` or `'whsec_base64'`. */
  secretFormat?: SecretFormat | undefined;
  /** Signed-message template (see `compileTemplate`). Default `{$request.body}`. */
  message?: string | undefined;
  /**
   * A header the template reads is absent: `'fail'` (default) → `missing_header`; `'empty'` →
   * signed as the empty string (what some senders do).
   */
  missingHeader?: 'fail' | 'empty' | undefined;
}

/**
 * Options of {@link hmacWithTimestamp}. The timestamp comes from its own `timestampHeader`, or
 * from the signature header when `signature` is a key-value list with a `timestampKey`.
 *
 * @example
 * ```ts
 * const pylon: HmacWithTimestampOptions = {
 *   header: 'X-Pylon-Signature', timestampHeader: 'X-Pylon-Timestamp', toleranceSeconds: 300, timestamp: 'optional',
 * };
 * const stripe: HmacWithTimestampOptions = {
 *   header: 'Stripe-Signature', signature: { type: 'key-value', signatureKey: 'v1', timestampKey: 't' },
 * };
 * ```
 */
export interface HmacWithTimestampOptions extends HmacOptions {
  /** Header carrying the timestamp, e.g. `X-Pylon-Timestamp`. Omit when the signature header carries it. */
  timestampHeader?: string | undefined;
  /** Unit of the timestamp value. Default `s`. */
  timestampUnit?: 's' | 'ms' | undefined;
  /** Accepted clock skew in seconds, in both directions. Default 300. */
  toleranceSeconds?: number | undefined;
  /**
   * `'required'` (default): no timestamp → `timestamp_missing`. `'optional'`: with a timestamp
   * only the timestamped message is accepted; without one, `messageWithoutTimestamp`.
   * `'ignore'`: never read the timestamp, always `messageWithoutTimestamp`.
   */
  timestamp?: 'required' | 'optional' | 'ignore' | undefined;
  /** Template with the timestamp. Default `{$timestamp}.{$request.body}`. */
  message?: string | undefined;
  /** Template used when there is no timestamp (`optional`/`ignore`). Default `{$request.body}`. */
  messageWithoutTimestamp?: string | undefined;
}

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

/**
 * Plain HMAC: a signature header over a signed-message template.
 *
 * @example
 * ```ts
 * import { hmac } from '@hookgate/core';
 * // GitHub-style
 * const github = hmac({ header: 'X-Hub-Signature-256', signature: 'sha256={digest}' });
 * // Webhooks B: SHA-512, base64, over method|timestamp header|body
 * const webhooksB = hmac({
 *   header: 'X-Webhook-Signature', algorithm: 'sha512', encoding: 'base64', signature: 'v1={digest}',
 *   message: '{$method}|{$request.header.X-Timestamp}|{$request.body}', missingHeader: 'empty',
 * });
 * ```
 */
export function hmac(options: HmacOptions): VerificationStrategy {
  const config = baseConfig(options);
  if (config.codec.timestampKey !== undefined) {
    throw new HookgateError('invalid_config', 'A signature `timestampKey` needs hmacWithTimestamp(); hmac() reads no timestamp.');
  }
  const signatureName = options.header.toLowerCase();
  const template = compileTemplate(options.message ?? '{$request.body}');
  if (template.usesTimestamp) {
    throw new HookgateError('invalid_config', '{$timestamp} needs hmacWithTimestamp(); hmac() has no timestamp header.');
  }
  return {
    type: 'hmac',
    algorithm: config.algorithm,
    encoding: config.encoding,
    signatureHeader: options.header,
    timestampHeader: undefined,
    secretFormat: config.secretFormat,
    redactHeaders: [options.header],
    ...verifiers((request, secrets) => {
      const header = getHeader(request.headers, options.header, signatureName);
      if (!header) return fail('missing_signature', `header ${options.header} is missing or empty`);
      const content = config.codec.read(header);
      if (!content.ok) return fail('malformed_signature', content.message);
      const built = template.build(request, { missingHeader: config.missingHeader });
      if (!built.ok) return built;
      return compareSignatures(config, content.candidates, built.chunks, secrets);
    }),
    sign(input) {
      const request = signingRequest(input, input.headers ?? {});
      const built = template.build(request, { missingHeader: 'empty' });
      const chunks = built.ok ? built.chunks : [];
      return { ...input.headers, [options.header]: signatureValue(config, chunks, input.secret, undefined) };
    },
  };
}

/**
 * HMAC over a message that includes a timestamp, with a tolerance window (both directions)
 * checked **before** the HMAC so stale replays are refused cheaply. The timestamp comes from its
 * own header (`timestampHeader`) or from the signature header (a key-value `signature` with a
 * `timestampKey`, as Stripe sends `t=…,v1=…`).
 *
 * @example
 * ```ts
 * import { hmacWithTimestamp } from '@hookgate/core';
 * // Pylon: hex SHA-256 over `${timestamp}.${body}`, or the body alone when no timestamp is sent
 * const pylon = hmacWithTimestamp({
 *   header: 'X-Pylon-Signature', timestampHeader: 'X-Pylon-Timestamp', timestamp: 'optional',
 * });
 * // Stripe: `Stripe-Signature: t=…,v1=…,v1=…` over `${t}.${body}`
 * const stripe = hmacWithTimestamp({
 *   header: 'Stripe-Signature', signature: { type: 'key-value', signatureKey: 'v1', timestampKey: 't' },
 * });
 * // Standard Webhooks: `webhook-signature: v1,<base64> …` over `${id}.${timestamp}.${body}`
 * const standard = hmacWithTimestamp({
 *   header: 'webhook-signature', timestampHeader: 'webhook-timestamp', encoding: 'base64',
 *   signature: { type: 'versioned', version: 'v1' }, secretFormat: 'whsec_base64',
 *   message: '{$request.header.webhook-id}.{$timestamp}.{$request.body}',
 * });
 * ```
 */
export function hmacWithTimestamp(options: HmacWithTimestampOptions): VerificationStrategy {
  const config = baseConfig(options);
  const timestampKey = config.codec.timestampKey;
  const timestampHeader = options.timestampHeader || undefined;
  if (timestampKey !== undefined && timestampHeader !== undefined) {
    throw new HookgateError(
      'invalid_config',
      `The timestamp is read from one place: give either \`timestampHeader\` or the signature's \`timestampKey\` ("${timestampKey}"), not both.`,
    );
  }
  if (timestampKey === undefined && timestampHeader === undefined) {
    throw new HookgateError(
      'invalid_config',
      "hmacWithTimestamp() needs a `timestampHeader`, or a key-value `signature` with a `timestampKey` (e.g. { type: 'key-value', signatureKey: 'v1', timestampKey: 't' }).",
    );
  }
  if (timestampHeader !== undefined && !isHeaderName(timestampHeader)) {
    throw new HookgateError('invalid_config', `"${timestampHeader}" is not a valid HTTP header name.`);
  }
  const unit = options.timestampUnit ?? 's';
  if (unit !== 's' && unit !== 'ms') throw new HookgateError('invalid_config', `Unknown timestampUnit "${String(unit)}": use 's' or 'ms'.`);
  const tolerance = options.toleranceSeconds ?? 300;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new HookgateError('invalid_config', `toleranceSeconds must be a non-negative number, got ${String(tolerance)}.`);
  }
  const toleranceMs = tolerance * 1000;
  const mode = options.timestamp ?? 'required';
  if (mode !== 'required' && mode !== 'optional' && mode !== 'ignore') {
    throw new HookgateError('invalid_config', `Unknown timestamp mode "${String(mode)}": use 'required', 'optional' or 'ignore'.`);
  }
  const timed = compileTemplate(options.message ?? '{$timestamp}.{$request.body}');
  const timestampName = timestampHeader?.toLowerCase();
  const signatureName = options.header.toLowerCase();
  // An unsigned timestamp can be replaced by a replayer, which would make the window worthless.
  if (mode !== 'ignore' && !timed.usesTimestamp && !timed.headers.some((name) => name.toLowerCase() === timestampName)) {
    throw new HookgateError(
      'invalid_config',
      `Message template "${timed.source}" does not sign the timestamp: include {$timestamp}` +
        (timestampHeader === undefined ? '.' : ` or {$request.header.${timestampHeader}}.`),
    );
  }
  const untimed: MessageTemplate = compileTemplate(options.messageWithoutTimestamp ?? '{$request.body}');
  const digits = unit === 's' ? /^\d{1,12}$/ : /^\d{1,15}$/;
  const toMs = unit === 's' ? 1000 : 1;
  const source = timestampHeader === undefined ? `the ${timestampKey}= entry of ${options.header}` : `header ${timestampHeader}`;

  return {
    type: 'hmac_timestamp',
    algorithm: config.algorithm,
    encoding: config.encoding,
    signatureHeader: options.header,
    timestampHeader,
    secretFormat: config.secretFormat,
    redactHeaders: [options.header],
    ...verifiers((request, secrets, now = Date.now()) => {
      const header = getHeader(request.headers, options.header, signatureName);
      if (!header) return fail('missing_signature', `header ${options.header} is missing or empty`);
      const content = config.codec.read(header);
      if (!content.ok) return fail('malformed_signature', content.message);
      const timestamp =
        mode === 'ignore'
          ? undefined
          : (timestampHeader === undefined ? content.timestamp : getHeader(request.headers, timestampHeader, timestampName)) || undefined;
      let template = untimed;
      if (timestamp === undefined) {
        if (mode === 'required') return fail('timestamp_missing', `${source} is missing or empty`);
      } else {
        if (!digits.test(timestamp)) {
          return fail('timestamp_invalid', `${source} is not an integer Unix time in ${unit === 's' ? 'seconds' : 'milliseconds'}`);
        }
        // A timestamp in seconds is compared with the clock in whole seconds (rounded down), as
        // Stripe's, Standard Webhooks' and Slack's own verifiers do: 300.5 s old is still 300 s.
        const clock = unit === 's' ? Math.floor(now / 1000) * 1000 : now;
        const skew = clock - Number(timestamp) * toMs;
        if (skew > toleranceMs) return fail('timestamp_too_old', `timestamp is ${Math.round(skew / 1000)} s old; tolerance is ${tolerance} s`);
        if (-skew > toleranceMs) return fail('timestamp_in_future', `timestamp is ${Math.round(-skew / 1000)} s in the future; tolerance is ${tolerance} s`);
        template = timed;
      }
      const built = template.build(request, { timestamp, missingHeader: config.missingHeader });
      if (!built.ok) return built;
      return compareSignatures(config, content.candidates, built.chunks, secrets);
    }),
    sign(input, now = Date.now()) {
      const headers: Record<string, string> = { ...input.headers };
      let timestamp: string | undefined;
      if (input.timestamp !== null && mode !== 'ignore') {
        timestamp = signingTimestamp(input.timestamp, unit, now);
        if (timestampHeader !== undefined) headers[timestampHeader] = timestamp;
      }
      const request = signingRequest(input, headers);
      const built = (timestamp === undefined ? untimed : timed).build(request, { timestamp, missingHeader: 'empty' });
      headers[options.header] = signatureValue(config, built.ok ? built.chunks : [], input.secret, timestamp);
      return headers;
    },
  };
}

interface BaseConfig {
  algorithm: HmacAlgorithm;
  encoding: DigestEncoding;
  digestBytes: number;
  codec: SignatureHeaderCodec;
  secretFormat: SecretFormat;
  missingHeader: 'fail' | 'empty';
}

function baseConfig(options: HmacOptions): BaseConfig {
  if (!options.header) throw new HookgateError('invalid_config', 'A verification strategy needs a signature `header`.');
  if (!isHeaderName(options.header)) throw new HookgateError('invalid_config', `"${options.header}" is not a valid HTTP header name.`);
  const algorithm = options.algorithm ?? 'sha256';
  if (!(algorithm in DIGEST_BYTES)) {
    throw new HookgateError('invalid_config', `Unknown algorithm "${String(algorithm)}": use sha1, sha256 or sha512.`);
  }
  const encoding = options.encoding ?? 'hex';
  if (encoding !== 'hex' && encoding !== 'base64' && encoding !== 'base64url') {
    throw new HookgateError('invalid_config', `Unknown encoding "${String(encoding)}": use hex, base64 or base64url.`);
  }
  const secretFormat = options.secretFormat ?? 'raw';
  if (secretFormat !== 'raw' && secretFormat !== 'base64' && secretFormat !== 'whsec_base64') {
    throw new HookgateError('invalid_config', `Unknown secretFormat "${String(secretFormat)}": use raw, base64 or whsec_base64.`);
  }
  const missingHeader = options.missingHeader ?? 'fail';
  if (missingHeader !== 'fail' && missingHeader !== 'empty') {
    throw new HookgateError('invalid_config', `Unknown missingHeader "${String(missingHeader)}": use 'fail' or 'empty'.`);
  }
  const digestBytes = DIGEST_BYTES[algorithm];
  return {
    algorithm,
    encoding,
    digestBytes,
    codec: compileSignatureFormat(options.signature ?? '{digest}', encoding, digestBytes),
    secretFormat,
    missingHeader,
  };
}

type Check = (request: WebhookRequest, secrets: SecretKeys, now?: number) => VerificationResult | Promise<VerificationResult>;

/**
 * `verify` and `verifyAsync` of a built-in strategy from its one check, which is synchronous with
 * node:crypto and a promise with Web Crypto (see {@link compareSignatures}).
 */
function verifiers(check: Check): Pick<VerificationStrategy, 'verify' | 'verifyAsync'> {
  if (cryptoBackend.synchronous) {
    const verify = check as (request: WebhookRequest, secrets: SecretKeys, now?: number) => VerificationResult;
    return { verify, verifyAsync: async (request, secrets, now) => verify(request, secrets, now) };
  }
  return {
    verify() {
      throw new HookgateError('unsupported_runtime', 'This runtime has no node:crypto, so verification is asynchronous: call verifyAsync().');
    },
    verifyAsync: async (request, secrets, now) => check(request, secrets, now),
  };
}

/**
 * How a handler verifies with `strategy` on this runtime, chosen once per handler: `verify`
 * (synchronous) where node:crypto exists or the strategy has no `verifyAsync`, else `verifyAsync`.
 *
 * @example
 * ```ts
 * const verify = verifierFor(provider.verification);
 * const pending = verify(request, secrets, Date.now());
 * const result = pending instanceof Promise ? await pending : pending;
 * ```
 */
export function verifierFor(strategy: VerificationStrategy): Check {
  if (cryptoBackend.synchronous || !strategy.verifyAsync) return strategy.verify.bind(strategy);
  return strategy.verifyAsync.bind(strategy);
}

/**
 * The timestamp a signer writes: a given string as it is (tests send malformed ones on purpose), a
 * number rounded down to a whole one (`Date.now() / 1000` is a common way to ask for "now", and
 * every verifier refuses a fraction), or the clock in the strategy's unit.
 */
function signingTimestamp(given: number | string | undefined, unit: 's' | 'ms', now: number): string {
  if (typeof given === 'string') return given;
  const value = given ?? (unit === 's' ? now / 1000 : now);
  if (!Number.isFinite(value)) throw new HookgateError('invalid_config', `sign(): timestamp must be a finite number, got ${String(value)}`);
  return String(Math.floor(value));
}

function fail(reason: VerificationFailureReason, message: string): VerificationFailure {
  return { ok: false, reason, message };
}

/**
 * Tries each secret against the well-formed candidates read from the header. Chosen once for the
 * runtime's crypto: synchronous with node:crypto, a promise with Web Crypto; both compare the
 * same text digests with the same constant-time comparison.
 */
const compareSignatures: (
  config: BaseConfig,
  candidates: readonly string[],
  chunks: readonly MessageChunk[],
  secrets: SecretKeys,
) => VerificationResult | Promise<VerificationResult> = cryptoBackend.synchronous
  ? (config, candidates, chunks, secrets) => {
      const backend = cryptoBackend as SyncCryptoBackend;
      if (candidates.length === 0) return noCandidate(config);
      const keys = secrets.keys;
      for (let index = 0; index < keys.length; index++) {
        const expected = backend.hmac(config.algorithm, keys[index]!, chunks, config.encoding);
        if (matchesAny(expected, candidates)) return { ok: true, secretIndex: index, signedMessage: chunks };
      }
      return mismatch();
    }
  : async (config, candidates, chunks, secrets) => {
      if (candidates.length === 0) return noCandidate(config);
      const keys = secrets.keys;
      for (let index = 0; index < keys.length; index++) {
        const expected = await cryptoBackend.hmac(config.algorithm, keys[index]!, chunks, config.encoding);
        if (matchesAny(expected, candidates)) return { ok: true, secretIndex: index, signedMessage: chunks };
      }
      return mismatch();
    };

// Candidates stay text: the expected digest is produced in the same encoding and compared
// character by character in constant time, which saves decoding the header and a byte digest on
// every request. Every candidate is compared (no early exit on the first mismatch).
function matchesAny(expected: string, candidates: readonly string[]): boolean {
  let matched = false;
  for (const candidate of candidates) if (constantTimeEqual(expected, candidate)) matched = true;
  return matched;
}

function noCandidate(config: BaseConfig): VerificationFailure {
  return fail(
    'malformed_signature',
    `no entry in the signature header has the form ${config.codec.description} with a ${config.digestBytes}-byte ${config.encoding} digest`,
  );
}

function mismatch(): VerificationFailure {
  return fail('signature_mismatch', 'no signature in the header matches the body with any configured secret');
}

function signingRequest(input: SignInput, headers: Readonly<Record<string, string>>): WebhookRequest {
  return {
    method: input.method ?? 'POST',
    path: input.path,
    headers,
    rawBody: typeof input.body === 'string' ? utf8Bytes(input.body) : input.body,
  };
}

/** The signature header value: one signature per secret, in the strategy's format. */
function signatureValue(config: BaseConfig, chunks: readonly MessageChunk[], secret: Secret | readonly Secret[], timestamp: string | undefined): string {
  if (!cryptoBackend.synchronous) {
    throw new HookgateError(
      'unsupported_runtime',
      'Signing needs node:crypto (Node, Bun, Deno); this runtime only has Web Crypto. Sign test deliveries where node:crypto exists.',
    );
  }
  const backend = cryptoBackend;
  const digests = prepareSecrets(secret, config.secretFormat).keys.map((key) => backend.hmac(config.algorithm, key, chunks, config.encoding));
  return config.codec.write(digests, timestamp);
}
