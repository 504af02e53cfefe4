import type { Provider } from './provider.js';
import type { EventMap } from './results.js';
import type { SignInput, VerificationStrategy } from './verify-hmac.js';

/**
 * Test helper: the headers a real sender would send for `body`, signed with `secret` by a
 * strategy or a provider's strategy. Timestamp strategies stamp "now" unless `timestamp` is
 * given (`null` omits it where the strategy allows).
 *
 * @example
 * ```ts
 * import { signRequest } from '@hookgate/core';
 * const body = JSON.stringify({ event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'Printer on fire' });
 * const headers = signRequest(pylon(), { secret: 'whsec-test', body });
 * const outcome = await handler.handle({ method: 'POST', headers, rawBody: new TextEncoder().encode(body) });
 * ```
 */
export function signRequest(
  signer: VerificationStrategy | Provider<EventMap>,
  input: SignInput & { now?: number | undefined },
): Record<string, string> {
  const strategy = 'verification' in signer ? signer.verification : signer;
  return strategy.sign(input, input.now ?? Date.now());
}
