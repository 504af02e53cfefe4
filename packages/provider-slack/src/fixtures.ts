import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { z } from 'zod';
import type {
  slackAppRateLimited,
  slackBlockActions,
  slackCallbacks,
  slackEvents,
  slackMessageAction,
  slackShortcut,
  slackSlashCommand,
  slackUrlVerification,
  slackViewClosed,
  slackViewSubmission,
} from './schemas.js';

/** A body that is not a valid event, with the outcome the handler must give it. */
export type SlackFixtureCase = FixtureCase;

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
  /**
   * One form post per interactivity type and a slash command: send them with
   * `signSlack({ payload, form: 'payload' })`, and the slash command with `form: 'fields'`.
   */
  readonly forms: {
    readonly block_actions: z.input<typeof slackBlockActions>;
    readonly view_submission: z.input<typeof slackViewSubmission>;
    readonly view_closed: z.input<typeof slackViewClosed>;
    readonly shortcut: z.input<typeof slackShortcut>;
    readonly message_action: z.input<typeof slackMessageAction>;
    readonly slash_command: z.input<typeof slackSlashCommand>;
  };
  /** Refused as invalid payloads (400). */
  readonly invalid: Readonly<Record<string, SlackFixtureCase>>;
  /** Answered as unknown events (202). */
  readonly unknown: Readonly<Record<string, SlackFixtureCase>>;
}

/**
 * Sample Slack bodies (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signSlack } from '@hookgate/provider-slack';
 *
 * const { headers, body } = signSlack({ payload: fixtures.valid.app_mention, secret: 'slack-signing-secret' });
 * ```
 */
export const fixtures = loadFixtures<SlackFixtures>(import.meta.url, ['valid', 'forms', 'invalid', 'unknown']);
