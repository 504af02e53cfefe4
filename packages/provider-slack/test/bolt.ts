// What Slack's official SDK says about a signed request: shared by the provider's tests.
import { isValidSlackRequest } from '@slack/bolt';

/**
 * Whether `@slack/bolt` accepts a request's `X-Slack-Signature` and timestamp at the clock `nowMs`.
 *
 * @example
 * ```ts
 * expect(boltAccepts(headers, body, 'slack-signing-secret', Date.now())).toBe(true);
 * ```
 */
export function boltAccepts(headers: Record<string, string>, body: string, secret: string, nowMs: number): boolean {
  return isValidSlackRequest({
    signingSecret: secret,
    body,
    headers: { 'x-slack-signature': headers['x-slack-signature']!, 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
    nowMilliseconds: nowMs,
  });
}
