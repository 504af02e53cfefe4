import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { slackAppRateLimited, slackCallbacks, slackEvents, slackUrlVerification } from './schemas.js';

/** A body that is not a valid event, with the outcome the handler must give it. */
export interface SlackFixtureCase {
  readonly description: string;
  /** The body as a JSON value (sent as `JSON.stringify(payload)`), unless `raw` is given. */
  readonly payload?: unknown;
  /** The exact body text, for bodies that are not JSON. */
  readonly raw?: string;
  readonly expected: {
    readonly kind: 'invalid_payload' | 'unknown_event';
    readonly reason: 'invalid_json' | 'schema_mismatch' | 'unknown_event_type';
  };
}

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface SlackFixtures {
  /** One body per variant (`event_callback`: an inner type without its own variant, `pin_added`). */
  readonly valid: {
    readonly url_verification: z.input<typeof slackUrlVerification>;
    readonly app_rate_limited: z.input<typeof slackAppRateLimited>;
    readonly app_mention: z.input<(typeof slackCallbacks)['app_mention']>;
    readonly message: z.input<(typeof slackCallbacks)['message']>;
    readonly reaction_added: z.input<(typeof slackCallbacks)['reaction_added']>;
    readonly event_callback: z.input<(typeof slackEvents)['event_callback']['event_callback']>;
  };
  /** Refused as invalid payloads (400). */
  readonly invalid: Readonly<Record<string, SlackFixtureCase>>;
  /** Answered as unknown events (202). */
  readonly unknown: Readonly<Record<string, SlackFixtureCase>>;
}

// Read on each access: nothing happens at import time, and every consumer gets its own copy.
function read(name: keyof SlackFixtures): never {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as never;
}

/**
 * Sample Slack Events API bodies (read from the package's `fixtures/` folder on each access).
 *
 * @example
 * ```ts
 * import { fixtures, signSlack } from '@hookgate/provider-slack';
 *
 * const { headers, body } = signSlack({ payload: fixtures.valid.app_mention, secret: 'slack-signing-secret' });
 * ```
 */
export const fixtures: SlackFixtures = {
  get valid() {
    return read('valid');
  },
  get invalid() {
    return read('invalid');
  },
  get unknown() {
    return read('unknown');
  },
};
