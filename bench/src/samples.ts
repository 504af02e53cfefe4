/**
 * The bodies every bench signs and verifies: a realistic ~1 KB Pylon `issue_new` event and a
 * Webhooks B variant of similar size. Built here (not taken from the provider fixtures) so the
 * size stays fixed while fixtures evolve.
 */

/**
 * The shared secret every candidate uses.
 *
 * @example
 * ```ts
 * createWebhookHandler({ provider: pylon(), secret: SECRET });
 * ```
 */
export const SECRET = 'whsec_bench_0f8a7c2e9d4b4e61a3c5';

/**
 * A Pylon `issue_new` body of about 1 KB, `issue_title` varied by `n` so deliveries differ.
 *
 * @example
 * ```ts
 * pylonBody(1).length; // ≈ 1024
 * ```
 */
export function pylonBody(n = 0): string {
  return JSON.stringify({
    event_type: 'issue_new',
    issue_id: `2f1c7a3e-6b0d-4f9a-9e21-${String(n).padStart(12, '0')}`,
    issue_number: 4821 + n,
    issue_title: `Exports to S3 fail with AccessDenied since the bucket policy change (#${n})`,
    issue_body:
      'Since Tuesday every scheduled export to our S3 bucket fails with AccessDenied. We rotated the IAM role ' +
      'and updated the bucket policy as described in the docs, but the job still fails. Logs attached.',
    issue_link: 'https://app.usepylon.com/issues?issueNumber=4821',
    issue_status: 'new',
    issue_tags: ['exports', 'aws', 'priority-high'],
    issue_team_name: 'Platform Support',
    issue_account_id: 'acc_8c1f2d3e4b5a69788796a5b4',
    issue_account_name: 'Northwind Traders',
    issue_requester_email: 'dana.ops@northwind.example',
    issue_requester_id: 'usr_5e6f7a8b9c0d1e2f3a4b5c6d',
    issue_assignee_email: 'sam@hookgate.example',
    issue_assignee_id: 'usr_0a1b2c3d4e5f6a7b8c9d0e1f',
    issue_created_at: '2026-11-25T09:14:07Z',
    issue_last_message_sent_at: '2026-11-25T09:14:07Z',
    issue_custom_field_region: 'eu-west-1',
  });
}

/**
 * A wide Pylon `issue_new` body: the required fields plus 35 `issue_custom_field_*` fields with
 * short values (strings, numbers, booleans, null, a short list), the shape a workspace with many
 * custom fields sends. Unknown keys are what a loose schema must copy, so this body shows that cost.
 *
 * @example
 * ```ts
 * Object.keys(JSON.parse(pylonWideBody(1))).length; // 38
 * ```
 */
export function pylonWideBody(n = 0): string {
  const values: unknown[] = ['eu', 3, true, null, 12, false, ['a'], 'p1'];
  const body: Record<string, unknown> = {
    event_type: 'issue_new',
    issue_id: `i${n}`,
    issue_title: `W${n}`,
  };
  for (let index = 1; index <= 35; index++) body[`issue_custom_field_${index}`] = values[index % values.length];
  return JSON.stringify(body);
}

/**
 * A Webhooks B `UserActionNotificationEvent` body of about 1 KB.
 *
 * @example
 * ```ts
 * JSON.parse(webhooksBBody(0)).userActionNotificationEventType; // 'user.action'
 * ```
 */
export function webhooksBBody(n = 0): string {
  return JSON.stringify({
    userActionNotificationEventType: 'user.action',
    id: `evt_${String(n).padStart(24, '0')}`,
    occurredAt: '2026-11-25T09:14:07.123Z',
    userId: 'usr_5e6f7a8b9c0d1e2f3a4b5c6d',
    action: 'password.changed',
    actor: { id: 'usr_5e6f7a8b9c0d1e2f3a4b5c6d', email: 'dana.ops@northwind.example', ip: '203.0.113.24' },
    device: { os: 'macOS 15.1', browser: 'Firefox 133.0', location: 'Berlin, DE' },
    session: { id: 'ses_9d8c7b6a5f4e3d2c1b0a', startedAt: '2026-11-25T08:55:41.000Z', mfa: true },
    metadata: {
      tenant: 'northwind',
      plan: 'enterprise',
      note: 'User changed their password from a recognised device after a reset e-mail was requested.',
      tags: ['security', 'account', 'audit'],
      source: 'web',
    },
  });
}
