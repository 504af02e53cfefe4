// Type tests (checked by `tsc`: pnpm --filter @hookgate/provider-github typecheck): payloads come
// from GitHub's official webhook types, by event and by `<event>.<action>` variant.
import { createWebhookHandler, type EventName } from '@hookgate/core';
import type { components } from '@octokit/openapi-webhooks-types';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { github, type GitHubEventMap } from './provider.js';
import type { GitHubPayload } from './types.js';

const handler = createWebhookHandler({ provider: github(), secret: 'whsec-types' });

describe('types', () => {
  it('on("issues.opened") gets GitHub’s issues-opened payload', () => {
    handler.on('issues.opened', (event) => {
      expectTypeOf(event).toEqualTypeOf<components['schemas']['webhook-issues-opened']>();
      expectTypeOf(event.issue.title).toBeString();
      expectTypeOf(event.action).toEqualTypeOf<'opened'>();
    });
    expect(handler.provider.events.issues).toContain('issues.opened');
  });

  it('on("issues") gets the union of every issues action', () => {
    handler.on('issues', (event) => {
      expectTypeOf(event.action).toEqualTypeOf<GitHubPayload<'issues'>['action']>();
      expectTypeOf<'opened' | 'closed'>().toMatchTypeOf<typeof event.action>();
    });
  });

  it('events without actions: push and ping', () => {
    handler.on('push', (event) => {
      expectTypeOf(event).toEqualTypeOf<components['schemas']['webhook-push']>();
      expectTypeOf(event.ref).toBeString();
    });
    handler.on('ping', (event) => expectTypeOf(event.hook_id).toEqualTypeOf<number | undefined>());
  });

  it('names that are not GitHub events or variants do not type-check', () => {
    expectTypeOf<'issues.opened'>().toMatchTypeOf<EventName<GitHubEventMap>>();
    expectTypeOf<'issues.teleported'>().not.toMatchTypeOf<EventName<GitHubEventMap>>();
    expectTypeOf<'push.opened'>().not.toMatchTypeOf<EventName<GitHubEventMap>>();
  });

  it('verifyAndParse narrows the payload by variant', async () => {
    const result = await handler.verifyAndParse({ method: 'POST', headers: {}, rawBody: new Uint8Array() });
    if (result.kind === 'event' && result.variant === 'pull_request.closed') {
      expectTypeOf(result.payload.pull_request.merged).toEqualTypeOf<boolean>();
      expectTypeOf(result.payload.action).toEqualTypeOf<'closed'>();
    }
    expect(result.kind).toBe('signature_failure');
  });
});
