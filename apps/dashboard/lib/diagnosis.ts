import { diagnoseVerification, type Delivery, type VerificationDiagnosis } from '@hookgate/core';
import { registry } from './registry';

/** Longest signature header value the debugger accepts (senders send well under 1 KiB). */
export const MAX_SIGNATURE_LENGTH = 4096;
/** Most retired secrets checked per request, and the longest one. */
export const MAX_RETIRED_SECRETS = 10;
export const MAX_SECRET_LENGTH = 1024;

/** What the user adds on the delivery page: the signature the sender sent, secrets no longer configured. */
export interface DiagnosisInput {
  /** The signature header value as the sender sent it (stores redact it). */
  signature?: string | undefined;
  /** Secrets no longer configured, to check whether the sender still signs with one. */
  retiredSecrets?: readonly string[] | undefined;
}

/** The debugger's answer for one delivery. */
export type DeliveryDiagnosis =
  | { kind: 'diagnosis'; signatureHeader: string; bodyTruncated: boolean; diagnosis: VerificationDiagnosis }
  | { kind: 'unavailable'; message: string };

/**
 * Runs core's verification debugger on a recorded delivery: the stored method, path, headers and
 * raw body, the provider's strategy from the registry, the secrets it is configured with now, at
 * the time the delivery was received. The stored signature header is `[redacted]`, so without
 * `input.signature` only the checks that need no signature run. Nothing returned contains a
 * secret or an expected digest (core's guarantee); the input is neither stored nor logged.
 *
 * @example
 * ```ts
 * const { secrets } = await getRuntime();
 * const result = await diagnoseDelivery(delivery, secrets, { signature: 'sha256=…' });
 * if (result.kind === 'diagnosis') result.diagnosis.findings.map((finding) => finding.problem);
 * ```
 */
export async function diagnoseDelivery(
  delivery: Delivery,
  secretsByRoute: Readonly<Record<string, readonly string[]>>,
  input: DiagnosisInput = {},
): Promise<DeliveryDiagnosis> {
  // Deliveries carry their route id (those recorded by earlier versions: the provider's id).
  const entry =
    registry.providers.find((candidate) => candidate.id === delivery.provider) ??
    registry.providers.find((candidate) => candidate.provider.id === delivery.provider);
  if (!entry) return { kind: 'unavailable', message: `Provider "${delivery.provider}" is no longer in the registry, so its verification cannot be re-run.` };
  const secrets = secretsByRoute[entry.id] ?? [];
  if (secrets.length === 0) return { kind: 'unavailable', message: `No secret is configured for ${delivery.provider}.` };
  const headers: Record<string, string> = { ...delivery.headers };
  // The form this delivery arrived in (Shopify: `X-Shopify-Hmac-Sha256` or the events `Shopify-Hmac-Sha256`).
  const strategy = entry.provider.verification.forRequest?.(headers) ?? entry.provider.verification;
  const signature = input.signature?.trim();
  if (signature) headers[strategy.signatureHeader.toLowerCase()] = signature;
  const rawBody = delivery.bodyEncoding === 'base64' ? Buffer.from(delivery.body, 'base64') : Buffer.from(delivery.body, 'utf8');
  let diagnosis: VerificationDiagnosis;
  try {
    diagnosis = await diagnoseVerification({
      strategy,
      request: { method: delivery.method, path: delivery.path ?? undefined, headers, rawBody },
      secrets,
      retiredSecrets: (input.retiredSecrets ?? []).filter((secret) => secret.length > 0),
      now: Date.parse(delivery.receivedAt),
    });
  } catch (error) {
    // A configured secret that does not fit the provider's format: the message names its index only.
    return { kind: 'unavailable', message: `The verification could not be re-run: ${(error as Error).message}` };
  }
  return { kind: 'diagnosis', signatureHeader: strategy.signatureHeader, bodyTruncated: delivery.bodyTruncated, diagnosis };
}
