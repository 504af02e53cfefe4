// `listen` gets a handler typed by its own entry's provider when the config goes through
// defineConfig (the packed-package audit found it typed WebhookHandler<EventMap>: every payload
// was `unknown`).
import { pylon, signPylon } from '@hookgate/provider-pylon';
import { webhooksB } from '@hookgate/provider-webhooks-b';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineConfig } from '../src/index.js';

describe('defineConfig: listen is typed per entry', () => {
  it('each entry’s handler knows its own provider’s events and payloads; bare providers still mix in', () => {
    const seen: string[] = [];
    const config = defineConfig({
      providers: [
        {
          provider: pylon(),
          sign: signPylon,
          listen: (handler) =>
            handler.on('IssueNewEvent', (issue) => {
              expectTypeOf(issue.issue_title).toEqualTypeOf<string>();
              seen.push(issue.issue_title);
            }),
        },
        webhooksB(),
        {
          provider: webhooksB(),
          id: 'b2',
          listen: (handler) => {
            // @ts-expect-error — a Pylon event is not one of Webhooks B's
            handler.on('IssueNewEvent', () => {});
          },
        },
      ],
    });
    expect(config.providers.map((entry) => entry.id)).toEqual(['pylon', 'webhooks-b', 'b2']);
    expect(typeof config.providers[0]!.listen).toBe('function');
  });
});
