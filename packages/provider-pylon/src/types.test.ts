import { createWebhookHandler } from '@hookgate/core';
import { describe, expectTypeOf, it } from 'vitest';
import { fixtures } from './fixtures.js';
import { parseWebhookEvent, pylon } from './provider.js';
import type { IssueAssignedEvent, IssueNewEvent, IssueStateChangedEvent, MessageNewEvent, PylonIssueStatus } from './schemas.js';
import { signPylon } from './sign.js';

// Checked by `tsc` (the package's typecheck script); at runtime the assertions are no-ops.
describe('types', () => {
  it('on(name) infers the event payload', () => {
    const handler = createWebhookHandler({ provider: pylon(), secret: 's' });
    handler.on('IssueNewEvent', (event) => {
      expectTypeOf(event).toEqualTypeOf<IssueNewEvent>();
      expectTypeOf(event.issue_title).toBeString();
      expectTypeOf(event.issue_number).toEqualTypeOf<number | undefined>();
      expectTypeOf(event.issue_requester_id).toEqualTypeOf<string | undefined>();
    });
    handler.on('IssueAssignedEvent', (event) => {
      expectTypeOf(event).toEqualTypeOf<IssueAssignedEvent>();
      expectTypeOf(event.assignee_id).toBeString();
    });
    handler.on('IssueStateChangedEvent', (event) => {
      expectTypeOf(event.state).toEqualTypeOf<PylonIssueStatus>();
      expectTypeOf(event.event_type).toEqualTypeOf<'issue_status_changed' | 'issue_state_changed'>();
    });
    handler.on('MessageNewEvent', (event) => {
      expectTypeOf(event).toEqualTypeOf<MessageNewEvent>();
      expectTypeOf(event.message_id).toBeString();
      expectTypeOf(event.message_is_private).toEqualTypeOf<boolean | undefined>();
    });
    handler.onAny((event) => {
      if (event.event === 'IssueStateChangedEvent') expectTypeOf(event.payload).toEqualTypeOf<IssueStateChangedEvent>();
    });
    // Never called: only the compiler looks at it (at runtime `on` throws for unknown names).
    const subscribeWireName = () =>
      // @ts-expect-error wire values are not event names
      handler.on('issue_new', () => {});
    expectTypeOf(subscribeWireName).toBeFunction();
  });

  it('parse results, fixtures and the signer are typed', async () => {
    const result = await parseWebhookEvent('{}');
    if (result.kind === 'event' && result.event === 'IssueAssignedEvent') expectTypeOf(result.payload.assignee_id).toBeString();
    expectTypeOf(fixtures.valid.IssueNewEvent.issue_number).toEqualTypeOf<string | number | undefined>();
    expectTypeOf(signPylon({ payload: fixtures.valid.IssueNewEvent, secret: 's' }).body).toEqualTypeOf<string>();
  });
});
