// The verification debugger: why a delivery's signature check failed, in words, and what to
// change. It re-runs the provider's own strategy under a few hypotheses (another clock, another
// secret, another body, another signed message) and reports the ones that explain the failure.
// Nothing it returns is derived from a secret or an expected digest: only header names, counts,
// indices, seconds, encodings and lengths.
import { decodeDigest, encodeDigest, type DigestEncoding } from './digest-encoding.js';
import { getHeader, headersToRecord, REDACTED } from './headers.js';
import { DEFAULT_MAX_JSON_DEPTH, parseJsonBody } from './json-body.js';
import type { WebhookRequest } from './request.js';
import { prepareSecrets, type Secret, type SecretKeys } from './secrets.js';
import { hmac, type HmacAlgorithm, type VerificationFailureReason, type VerificationResult, type VerificationStrategy } from './verify-hmac.js';

/**
 * What a {@link DiagnosisFinding} is about:
 * - `verifies`: the delivery verifies now with a configured secret (the configuration changed
 *   since it was rejected);
 * - `signature_header_missing` / `signature_header_empty`: no signature arrived;
 * - `signature_not_recorded`: the signature header is `[redacted]` (stores never keep it), so
 *   only the checks that need no signature ran — pass the value the sender sent to run the rest;
 * - `digest_wrong_encoding` / `digest_wrong_length`: the header holds a digest, but in another
 *   encoding or of another hash's length than the provider expects;
 * - `signature_format`: a digest of the right encoding and length is there, not in the expected form;
 * - `digest_unreadable`: nothing in the header reads as a digest;
 * - `timestamp_missing` / `timestamp_invalid` / `clock_skew`: the timestamp check failed;
 * - `header_missing`: the signed message needs a header (or body value) that did not arrive;
 * - `other_template`: the signature matches another signed message (body only, or timestamped);
 * - `reserialized_body`: the signature matches the body re-serialised as compact JSON, so
 *   something between sender and Hookgate rewrote the body;
 * - `retired_secret`: the signature matches a retired secret the caller listed;
 * - `retired_secret_invalid`: a listed retired secret is not in the provider's secret format;
 * - `no_match`: no hypothesis explains the mismatch (most likely a different secret).
 */
export type DiagnosisCode =
  | 'verifies'
  | 'signature_header_missing'
  | 'signature_header_empty'
  | 'signature_not_recorded'
  | 'digest_wrong_encoding'
  | 'digest_wrong_length'
  | 'signature_format'
  | 'digest_unreadable'
  | 'timestamp_missing'
  | 'timestamp_invalid'
  | 'clock_skew'
  | 'header_missing'
  | 'other_template'
  | 'reserialized_body'
  | 'retired_secret'
  | 'retired_secret_invalid'
  | 'no_match';

/** One explanation of a failed verification. Never contains a secret, a digest or a part of either. */
export interface DiagnosisFinding {
  readonly code: DiagnosisCode;
  /** What is wrong, in a sentence. */
  readonly problem: string;
  /** What to change, in a sentence. */
  readonly fix: string;
  /** `clock_skew`: receipt time minus the delivery's timestamp, in seconds (negative: from the future). */
  readonly skewSeconds?: number;
  /** `clock_skew`: the strategy's accepted skew in seconds, when it could be measured. */
  readonly toleranceSeconds?: number;
  /** Index of the configured secret the signature matches (`verifies`, `other_template`, …). */
  readonly secretIndex?: number;
  /** Index in `retiredSecrets` of the secret the signature matches (`retired_secret`, or another finding under a retired secret). */
  readonly retiredIndex?: number;
}

/** What {@link diagnoseVerification} returns. */
export interface VerificationDiagnosis {
  /** True when the request verifies as given with the configured secrets at `now`. */
  readonly verified: boolean;
  /** The strategy's failure reason at `now`, or null when it verifies. */
  readonly reason: VerificationFailureReason | null;
  /** False when no signature value was available, so the signature-dependent checks did not run. */
  readonly signatureChecked: boolean;
  /** The explanations found, most important first. Empty when verified. */
  readonly findings: readonly DiagnosisFinding[];
}

/**
 * Options of {@link diagnoseVerification}.
 *
 * @example
 * ```ts
 * const options: DiagnoseOptions = { strategy: provider.verification, request, secrets: ['new'], retiredSecrets: ['old'], now: Date.parse(delivery.receivedAt) };
 * ```
 */
export interface DiagnoseOptions {
  /** The provider's verification strategy (`provider.verification`). */
  strategy: VerificationStrategy;
  /** The delivery as received: method, path, headers (with the signature header, when known) and raw body. */
  request: WebhookRequest;
  /** The configured secrets, in configuration order (finding indices refer to it). */
  secrets: Secret | readonly Secret[];
  /** Secrets no longer configured, to check whether the sender still signs with one. Never echoed. */
  retiredSecrets?: readonly Secret[] | undefined;
  /** When the delivery was received, epoch milliseconds. Default: now. */
  now?: number | undefined;
}

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };
const HASH_OF_LENGTH: Record<number, string> = { 16: 'MD5', 20: 'SHA-1', 28: 'SHA-224', 32: 'SHA-256', 48: 'SHA-384', 64: 'SHA-512' };
const ALGORITHM_OF_LENGTH: Record<number, HmacAlgorithm> = { 20: 'sha1', 32: 'sha256', 64: 'sha512' };
const DIGEST_LENGTHS = Object.keys(HASH_OF_LENGTH).map(Number);
const ENCODINGS: readonly DigestEncoding[] = ['hex', 'base64', 'base64url'];
const MAX_PIECES = 32;
const PIECE_SEPARATORS = /[\s,;]+/;
const TIMESTAMP_ENTRY = /^[A-Za-z0-9_-]{1,16}=(\d{1,15})$/;
const TIMESTAMP_VALUE = /^\d{1,15}$/;
/** The widest tolerance searched for: about 68 years, past any sensible window. */
const MAX_TOLERANCE_SECONDS = 2 ** 31;
/** Header of the throwaway strategies that test another signed message (never a real header). */
const PROBE_HEADER = 'x-hookgate-diagnose';

interface Key {
  readonly secret: Secret;
  readonly prepared: SecretKeys;
  /** `secretIndex` or `retiredIndex` for findings. */
  readonly label: { secretIndex: number } | { retiredIndex: number };
}

/** A piece of the signature header that decodes as a digest under one reading (encoding × length). */
interface Reading {
  /** The piece's text as it sits in the header. */
  readonly text: string;
  readonly encoding: DigestEncoding;
  readonly bytes: Uint8Array;
}

type Verdict = VerificationResult | Promise<VerificationResult>;

/**
 * Explains why `request` fails `strategy`'s verification and what to change: clock skew in
 * seconds against the tolerance, a missing or empty header, a digest in the wrong encoding or of
 * the wrong length, a signature that matches with a configured secret under another signed
 * message (body only vs timestamped) or over the compactly re-serialised JSON body (a proxy or
 * framework rewrote it), or one that matches a retired secret. Provider-neutral: it re-runs the
 * strategy's own `verify` under each hypothesis (plus throwaway {@link hmac} strategies for
 * other signed messages), so it works on every runtime `verify` does.
 *
 * It never reveals an expected digest, a secret or a prefix of either: findings carry header
 * names, indices, seconds, encodings and lengths only. When the signature header is missing or
 * `[redacted]` (stores redact it), the checks that need no signature still run (timestamp,
 * headers of the signed message, where the strategy can `sign`) and `signatureChecked` is false.
 *
 * @throws {HookgateError} `invalid_config` when `secrets` is empty or not in the strategy's secret format (a retired secret that does not fit is a finding instead).
 * @example
 * ```ts
 * import { diagnoseVerification } from '@hookgate/core';
 * const diagnosis = await diagnoseVerification({
 *   strategy: provider.verification,
 *   request: { method: 'POST', headers, rawBody },
 *   secrets: [process.env.PYLON_SECRET!],
 *   retiredSecrets: ['the-old-secret'],
 *   now: Date.parse(delivery.receivedAt),
 * });
 * for (const finding of diagnosis.findings) console.log(`${finding.problem} ${finding.fix}`);
 * ```
 */
export async function diagnoseVerification(options: DiagnoseOptions): Promise<VerificationDiagnosis> {
  const { request } = options;
  // A strategy that reads one of several header forms is diagnosed in the form that arrived.
  const strategy = options.strategy.forRequest?.(request.headers) ?? options.strategy;
  const now = options.now ?? Date.now();
  const format = strategy.secretFormat ?? 'raw';
  const configuredList: readonly Secret[] = isSecretList(options.secrets) ? options.secrets : [options.secrets];
  const configuredAll = prepareSecrets(configuredList, format);
  const findings: DiagnosisFinding[] = [];
  const keys: Key[] = configuredList.map((secret, index) => ({
    secret,
    prepared: { keys: [configuredAll.keys[index]!] },
    label: { secretIndex: index },
  }));
  (options.retiredSecrets ?? []).forEach((secret, index) => {
    try {
      keys.push({ secret, prepared: prepareSecrets(secret, format), label: { retiredIndex: index } });
    } catch {
      findings.push({
        code: 'retired_secret_invalid',
        problem: `Retired secret #${index} is not in this provider's secret format (${format}), so it was not tried.`,
        fix: format === 'raw' ? 'Give it as text, exactly as the sender showed it.' : `Give it in the ${format} form the sender shows.`,
        retiredIndex: index,
      });
    }
  });

  const header = strategy.signatureHeader;
  const value = getHeader(request.headers, header);
  const actual = await strategy.verify(request, configuredAll, now);
  if (actual.ok) {
    return {
      verified: true,
      reason: null,
      signatureChecked: true,
      findings: [
        {
          code: 'verifies',
          problem: `The delivery verifies now with configured secret #${actual.secretIndex}.`,
          fix: 'Nothing to change: the configuration has changed since it was rejected (for example that secret was added).',
          secretIndex: actual.secretIndex,
        },
      ],
    };
  }

  let signatureKnown = true;
  if (value === undefined || value.trim() === '') {
    signatureKnown = false;
    findings.unshift({
      code: value === undefined ? 'signature_header_missing' : 'signature_header_empty',
      problem: `The ${header} header ${value === undefined ? 'did not arrive' : 'arrived empty'}, so there was no signature to check.`,
      fix: `Make sure the sender signs its deliveries (a signing secret is set on its side) and that no proxy between it and Hookgate strips ${header}.`,
    });
  } else if (value === REDACTED) {
    signatureKnown = false;
    findings.push({
      code: 'signature_not_recorded',
      problem: `The ${header} value was not recorded (stores redact signature headers), so only the checks that need no signature ran.`,
      fix: `To check the signature itself, give the ${header} value the sender sent (its delivery log shows it).`,
    });
  }

  const timestamp = findTimestamp(request, strategy, signatureKnown ? value : undefined);
  // Without the signature, a well-formed signature from a throwaway key walks verify() through
  // the timestamp and signed-message checks that come before the comparison.
  const probe = signatureKnown ? request : probeRequest(request, strategy, timestamp, now);
  if (probe === undefined) return done(actual, false, findings);
  let result: VerificationResult = signatureKnown ? actual : await strategy.verify(probe, configuredAll, now);
  let effectiveNow = now;

  if (isClockFailure(result)) {
    const clock = await clockFinding(strategy, probe, configuredAll, now, timestamp, result);
    findings.push(clock.finding);
    if (clock.signedAt === undefined) return done(actual, signatureKnown, findings);
    effectiveNow = clock.signedAt;
    result = await strategy.verify(probe, configuredAll, effectiveNow);
    if (result.ok) {
      // The signature itself is right: the clock is the whole story.
      if (signatureKnown) {
        findings[findings.length - 1] = {
          ...clock.finding,
          problem: `${clock.finding.problem} The signature itself is correct (configured secret #${result.secretIndex}).`,
          secretIndex: result.secretIndex,
        };
      }
      return done(actual, signatureKnown, findings);
    }
  }
  if (result.ok) return done(actual, signatureKnown, findings);

  switch (result.reason) {
    case 'timestamp_missing':
      findings.push({
        code: 'timestamp_missing',
        problem: `No timestamp arrived: ${result.message}.`,
        fix: 'Make sure the sender sends its timestamp and no proxy strips it; if this sender never sends one, configure the timestamp as optional.',
      });
      break;
    case 'timestamp_invalid':
      findings.push({
        code: 'timestamp_invalid',
        problem: `The timestamp is unreadable: ${result.message}.`,
        fix: 'The sender must send an integer Unix time (check the unit: seconds or milliseconds).',
      });
      break;
    case 'missing_header':
      findings.push({
        code: 'header_missing',
        problem: `The signed message needs a value that did not arrive: ${result.message}.`,
        fix: "Make sure the sender sends it and no proxy strips it; if this sender leaves it out, configure missingHeader: 'empty'.",
      });
      break;
    case 'malformed_signature':
      if (signatureKnown) findings.push(await malformedFinding({ strategy, request, keys, value: value!, timestamp, now: effectiveNow }, result.message));
      break;
    case 'signature_mismatch':
      if (signatureKnown) findings.push(await mismatchFinding({ strategy, request, keys, value: value!, timestamp, now: effectiveNow }));
      break;
    default:
      break;
  }
  return done(actual, signatureKnown, findings);
}

function done(actual: VerificationResult, signatureChecked: boolean, findings: DiagnosisFinding[]): VerificationDiagnosis {
  return { verified: false, reason: actual.ok ? null : actual.reason, signatureChecked, findings };
}

function isSecretList(value: Secret | readonly Secret[]): value is readonly Secret[] {
  return Array.isArray(value);
}

function isClockFailure(result: VerificationResult): boolean {
  return !result.ok && (result.reason === 'timestamp_too_old' || result.reason === 'timestamp_in_future');
}

/** The timestamp the delivery carries: from the strategy's timestamp header, or a `key=digits` entry of the signature header. */
function findTimestamp(request: WebhookRequest, strategy: VerificationStrategy, signature: string | undefined): string | undefined {
  if (strategy.timestampHeader !== undefined) {
    const text = getHeader(request.headers, strategy.timestampHeader)?.trim();
    return text !== undefined && TIMESTAMP_VALUE.test(text) ? text : undefined;
  }
  if (signature === undefined) return undefined;
  for (const piece of signature.split(PIECE_SEPARATORS, MAX_PIECES)) {
    const match = TIMESTAMP_ENTRY.exec(piece);
    if (match) return match[1];
  }
  return undefined;
}

function withHeader(request: WebhookRequest, name: string, value: string): WebhookRequest {
  const headers = headersToRecord(request.headers);
  headers[name.toLowerCase()] = value;
  return { ...request, headers };
}

/** `request` with a well-formed signature made with a random key, or undefined when the strategy cannot sign here. */
function probeRequest(request: WebhookRequest, strategy: VerificationStrategy, timestamp: string | undefined, now: number): WebhookRequest | undefined {
  const headers = headersToRecord(request.headers);
  delete headers[strategy.signatureHeader.toLowerCase()];
  try {
    const signed = strategy.sign(
      {
        secret: globalThis.crypto.getRandomValues(new Uint8Array(32)),
        body: request.rawBody,
        method: request.method,
        path: request.path,
        headers,
        // The request's own timestamp; null (none) when the strategy reads a header and it is absent.
        timestamp: timestamp ?? (strategy.timestampHeader !== undefined ? null : undefined),
      },
      now,
    );
    const signature = getHeader(signed, strategy.signatureHeader);
    // Only the signature is taken: the request keeps its own timestamp header.
    return signature === undefined ? undefined : withHeader(request, strategy.signatureHeader, signature);
  } catch {
    // A custom strategy without a signer, or a runtime where signing is unsupported.
    return undefined;
  }
}

/**
 * The clock finding: skew from the timestamp value (its unit found by asking the strategy which
 * reading passes its window) and the tolerance by bisection over `now` (the window is monotonic).
 */
async function clockFinding(
  strategy: VerificationStrategy,
  probe: WebhookRequest,
  keys: SecretKeys,
  now: number,
  timestamp: string | undefined,
  failure: VerificationResult,
): Promise<{ finding: DiagnosisFinding; signedAt: number | undefined }> {
  const outside = async (at: number): Promise<boolean> => isClockFailure(await strategy.verify(probe, keys, at));
  const future = !failure.ok && failure.reason === 'timestamp_in_future';
  const fix = future
    ? "The sender's clock is ahead of this server's (or this server's is behind): sync both with NTP."
    : "Sync the sender's and this server's clocks (NTP); if they agree, something held the delivery back (a queue, or a proxy retrying late), or it is a replay. Widening toleranceSeconds also widens the replay window.";
  let signedAt: number | undefined;
  if (timestamp !== undefined) {
    for (const at of [Number(timestamp) * 1000, Number(timestamp)]) {
      if (!(await outside(at))) {
        signedAt = at;
        break;
      }
    }
  }
  if (signedAt === undefined) {
    const detail = failure.ok ? '' : `: ${failure.message}`;
    return { finding: { code: 'clock_skew', problem: `The delivery's timestamp is outside the accepted window${detail}.`, fix }, signedAt: undefined };
  }
  const skewSeconds = Math.round((now - signedAt) / 1000);
  let passes = 0;
  let fails = Math.min(Math.ceil(Math.abs(now - signedAt) / 1000), MAX_TOLERANCE_SECONDS);
  while (fails - passes > 1) {
    const middle = Math.floor((passes + fails) / 2);
    if (await outside(signedAt + (future ? -middle : middle) * 1000)) fails = middle;
    else passes = middle;
  }
  const toleranceSeconds = passes;
  const problem = future
    ? `The delivery's timestamp is ${-skewSeconds} s ahead of the time it was received; the tolerance is ${toleranceSeconds} s.`
    : `The delivery's timestamp is ${skewSeconds} s older than the time it was received; the tolerance is ${toleranceSeconds} s.`;
  return { finding: { code: 'clock_skew', problem, fix, skewSeconds, toleranceSeconds }, signedAt };
}

/** Every reading of every piece of the signature header as a digest of a usual length, in any encoding. */
function readDigests(value: string): Reading[] {
  const readings: Reading[] = [];
  for (const piece of value.split(PIECE_SEPARATORS, MAX_PIECES)) {
    // `sha256=<digest>`, `v1=<digest>`: the part after the label too (not a base64 padding `=`).
    const equals = piece.indexOf('=');
    const texts = equals > 0 && /[^=]/.test(piece.slice(equals)) ? [piece, piece.slice(equals + 1)] : [piece];
    for (const text of texts) {
      for (const encoding of ENCODINGS) {
        for (const length of DIGEST_LENGTHS) {
          const bytes = decodeDigest(text, encoding, length);
          if (bytes !== null) readings.push({ text, encoding, bytes });
        }
      }
    }
  }
  return readings;
}

function describeKey(key: Key): string {
  return 'secretIndex' in key.label ? `configured secret #${key.label.secretIndex}` : `retired secret #${key.label.retiredIndex}`;
}

/** The signed messages tried besides the provider's own: the body alone, and `<timestamp>.<body>`. */
function otherMessages(timestamp: string | undefined): { name: string; template: string }[] {
  const messages = [{ name: 'the body alone', template: '{$request.body}' }];
  if (timestamp !== undefined) messages.push({ name: '`<timestamp>.<body>`', template: `${timestamp}.{$request.body}` });
  return messages;
}

/**
 * Whether one of `readings` is an HMAC (`algorithm`) of `template` with `key`: a throwaway
 * strategy verifies them, so the comparison is the strategy's own (constant time, any runtime).
 */
async function signs(request: WebhookRequest, key: Key, algorithm: HmacAlgorithm, template: string, readings: readonly Reading[]): Promise<boolean> {
  const length = DIGEST_BYTES[algorithm];
  const digests = readings.filter((reading) => reading.bytes.byteLength === length).map((reading) => encodeDigest(reading.bytes, 'hex'));
  if (digests.length === 0) return false;
  const strategy = hmac({ header: PROBE_HEADER, algorithm, message: template });
  const result: Verdict = strategy.verify(
    { method: request.method, path: request.path, headers: { [PROBE_HEADER]: digests.join(' ') }, rawBody: request.rawBody },
    key.prepared,
  );
  return (await result).ok;
}

/** Whether `strategy` accepts `request` with `key` at `now` or at the time the timestamp says. */
async function verifiesAround(strategy: VerificationStrategy, request: WebhookRequest, key: Key, now: number, timestamp: string | undefined): Promise<boolean> {
  const times = timestamp === undefined ? [now] : [now, Number(timestamp) * 1000, Number(timestamp)];
  for (const at of times) if ((await strategy.verify(request, key.prepared, at)).ok) return true;
  return false;
}

/** What the signature checks work on: the request with its signature header `value`, the keys to try, the clock. */
interface SignatureCase {
  readonly strategy: VerificationStrategy;
  readonly request: WebhookRequest;
  readonly keys: readonly Key[];
  readonly value: string;
  readonly timestamp: string | undefined;
  readonly now: number;
}

async function malformedFinding({ strategy, request, keys, value, timestamp, now }: SignatureCase, message: string): Promise<DiagnosisFinding> {
  const encoding = strategy.encoding;
  const length = strategy.algorithm === undefined ? undefined : DIGEST_BYTES[strategy.algorithm];
  const readings = readDigests(value);
  const header = strategy.signatureHeader;
  if (readings.length === 0) {
    return {
      code: 'digest_unreadable',
      problem: `Nothing in the ${header} header reads as a digest (hex, base64 or base64url of a usual hash length): ${message}.`,
      fix: `Check that the sender puts its signature in ${header} and that no proxy cuts or rewrites the header.`,
    };
  }
  const expectedForm = { code: 'signature_format', problem: `The ${header} header is not in the form this provider expects: ${message}.` } as const;
  if (encoding === undefined || length === undefined) return { ...expectedForm, fix: "Compare the header with the provider's documented format." };

  // Right length, other encoding: the header with that digest re-written in the expected encoding
  // is tried as it stands, so the provider's own prefix, template and timestamp apply.
  const otherEncoding = readings.filter((reading) => reading.encoding !== encoding && reading.bytes.byteLength === length);
  if (otherEncoding.length > 0 && !readings.some((reading) => reading.encoding === encoding && reading.bytes.byteLength === length)) {
    let match: Key | undefined;
    for (const reading of otherEncoding) {
      const rewritten = withHeader(request, header, value.replace(reading.text, encodeDigest(reading.bytes, encoding)));
      for (const key of keys) if (match === undefined && (await verifiesAround(strategy, rewritten, key, now, timestamp))) match = key;
    }
    const written = otherEncoding[0]!.encoding;
    return {
      code: 'digest_wrong_encoding',
      problem:
        `The ${header} header carries a ${written} digest; this provider expects ${encoding}.` +
        (match ? ` Decoded, it is the right signature (${describeKey(match)}).` : ''),
      fix: match
        ? `Configure the provider with encoding: '${written}' (or make the sender write ${encoding}).`
        : `Check the provider's encoding setting ('${encoding}') against what the sender documents.`,
      ...match?.label,
    };
  }
  // Same encoding, another length: another hash function.
  const otherLength = readings.find((reading) => reading.encoding === encoding && reading.bytes.byteLength !== length);
  if (otherLength) {
    const size = otherLength.bytes.byteLength;
    const algorithm = ALGORITHM_OF_LENGTH[size];
    let match: { key: Key; name: string } | undefined;
    if (algorithm !== undefined) {
      const sameSize = readings.filter((reading) => reading.bytes.byteLength === size);
      for (const key of keys) {
        for (const candidate of otherMessages(timestamp)) {
          if (match === undefined && (await signs(request, key, algorithm, candidate.template, sameSize))) match = { key, name: candidate.name };
        }
      }
    }
    return {
      code: 'digest_wrong_length',
      problem:
        `The ${header} header carries a ${size}-byte digest (${HASH_OF_LENGTH[size]}'s length); this provider expects ${length} bytes (${HASH_OF_LENGTH[length]}).` +
        (match ? ` It is an HMAC-${HASH_OF_LENGTH[size]} of ${match.name} with ${describeKey(match.key)}.` : ''),
      fix: `The sender signs with another hash: configure algorithm: '${algorithm ?? 'the matching hash'}', or read the header the sender fills for ${HASH_OF_LENGTH[length]} (some send one header per hash).`,
      ...match?.key.label,
    };
  }
  return {
    ...expectedForm,
    fix: 'A digest of the right encoding and length is there: check the prefix or label around it (such as sha256=, v1= or v1,) against what the sender writes.',
  };
}

async function mismatchFinding({ strategy, request, keys, value, timestamp, now }: SignatureCase): Promise<DiagnosisFinding> {
  const retired = keys.filter((key) => 'retiredIndex' in key.label);
  for (const key of retired) {
    if ((await strategy.verify(request, key.prepared, now)).ok) {
      return {
        code: 'retired_secret',
        problem: `The signature matches ${describeKey(key)}: the sender still signs with a secret that is no longer configured.`,
        fix: "Update the signing secret in the sender's settings, or add the old secret back after the new one (rotation) until the sender has switched.",
        ...key.label,
      };
    }
  }

  const compact = compactJson(request.rawBody);
  if (compact !== undefined) {
    const rewritten = { ...request, rawBody: compact };
    for (const key of keys) {
      if ((await strategy.verify(rewritten, key.prepared, now)).ok) {
        return {
          code: 'reserialized_body',
          problem: `The signature matches the body re-serialised as compact JSON (with ${describeKey(key)}), not the bytes that arrived: something between the sender and Hookgate rewrote the body.`,
          fix: 'Give Hookgate the raw request bytes: mount it before any JSON body parser, and turn off body rewriting (pretty-printing, re-encoding) in proxies.',
          ...key.label,
        };
      }
    }
  }

  const { algorithm, encoding } = strategy;
  if (algorithm !== undefined && encoding !== undefined) {
    const readings = readDigests(value).filter((reading) => reading.encoding === encoding);
    for (const key of keys) {
      for (const candidate of otherMessages(timestamp)) {
        if (!(await signs(request, key, algorithm, candidate.template, readings))) continue;
        const bodyOnly = candidate.template === '{$request.body}';
        return {
          code: 'other_template',
          problem: `The signature is an HMAC of ${candidate.name} (with ${describeKey(key)}), but this provider signs a different message${
            bodyOnly ? ' (one with a timestamp, the method or other headers)' : ''
          }.`,
          fix: bodyOnly
            ? "Configure the provider's message template as {$request.body} (a sender that signs the body alone), or make the sender sign the message the provider expects."
            : "Configure the provider as hmacWithTimestamp() with message '{$timestamp}.{$request.body}', or make the sender sign the message the provider expects.",
          ...key.label,
        };
      }
    }
  }

  const configured = keys.length - retired.length;
  return {
    code: 'no_match',
    problem: `${noneOf(configured, retired.length > 0)} this signature over the body as received, the body alone, the timestamped body or the compact JSON body.`,
    fix: `The sender most likely signs with another secret: copy its signing secret again (this provider reads it as ${strategy.secretFormat ?? 'raw'}); if you rotated recently, list the old one as retired to check it.`,
  };
}

/** "None of the 2 configured secrets produces", "Neither the configured secret nor a retired one produces", … */
function noneOf(configured: number, withRetired: boolean): string {
  if (configured === 1) return withRetired ? 'Neither the configured secret nor a retired one produces' : 'The configured secret does not produce';
  return `None of the ${configured} configured secrets${withRetired ? ', nor a retired one,' : ''} produces`;
}

const encoder = new TextEncoder();

/** The body as compact JSON bytes, when it is JSON and compacting changes it. */
function compactJson(body: Uint8Array): Uint8Array | undefined {
  const parsed = parseJsonBody(body, DEFAULT_MAX_JSON_DEPTH);
  if (!parsed.ok) return undefined;
  const compact = encoder.encode(JSON.stringify(parsed.value));
  return compact.byteLength === body.byteLength && compact.every((byte, index) => byte === body[index]) ? undefined : compact;
}
