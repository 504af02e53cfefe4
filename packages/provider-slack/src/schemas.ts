import { z } from 'zod';

// Slack's Events API (https://api.slack.com/apis/events-api). Objects are loose: Slack adds
// fields over time, and every unknown key is kept. Only what a listener relies on is required.

/** `url_verification`: Slack checks the endpoint; it must be answered with `challenge`. */
export const slackUrlVerification = z.looseObject({
  type: z.literal('url_verification'),
  challenge: z.string().min(1),
  token: z.string().optional(),
});

/** `app_rate_limited`: the app exceeded 30,000 events per workspace per hour. */
export const slackAppRateLimited = z.looseObject({
  type: z.literal('app_rate_limited'),
  team_id: z.string(),
  minute_rate_limited: z.number(),
  api_app_id: z.string(),
  token: z.string().optional(),
});

/** The `event_callback` envelope around an inner `event`. */
function callback<E extends z.ZodType>(event: E) {
  return z.looseObject({
    type: z.literal('event_callback'),
    event_id: z.string().min(1),
    event_time: z.number(),
    team_id: z.string(),
    api_app_id: z.string(),
    event,
    token: z.string().optional(),
    authorizations: z
      .array(z.looseObject({ team_id: z.string().nullable().optional(), user_id: z.string().optional(), is_bot: z.boolean().optional() }))
      .optional(),
    event_context: z.string().optional(),
    is_ext_shared_channel: z.boolean().optional(),
    context_team_id: z.string().nullable().optional(),
  });
}

const item = z.looseObject({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() });

/**
 * Inner event type → schema of the whole `event_callback` body. Other inner types are the
 * catch-all variant `event_callback` (see {@link slackEvents}).
 */
export const slackCallbacks = {
  app_mention: callback(
    z.looseObject({
      type: z.literal('app_mention'),
      user: z.string(),
      text: z.string(),
      ts: z.string(),
      channel: z.string(),
      event_ts: z.string(),
      thread_ts: z.string().optional(),
    }),
  ),
  message: callback(
    z.looseObject({
      type: z.literal('message'),
      subtype: z.string().optional(),
      channel: z.string(),
      user: z.string().optional(),
      text: z.string().optional(),
      ts: z.string(),
      thread_ts: z.string().optional(),
      channel_type: z.string().optional(),
      event_ts: z.string().optional(),
    }),
  ),
  reaction_added: callback(
    z.looseObject({ type: z.literal('reaction_added'), user: z.string(), reaction: z.string(), item, item_user: z.string().optional(), event_ts: z.string() }),
  ),
  reaction_removed: callback(
    z.looseObject({
      type: z.literal('reaction_removed'),
      user: z.string(),
      reaction: z.string(),
      item,
      item_user: z.string().optional(),
      event_ts: z.string(),
    }),
  ),
  member_joined_channel: callback(
    z.looseObject({
      type: z.literal('member_joined_channel'),
      user: z.string(),
      channel: z.string(),
      channel_type: z.string().optional(),
      team: z.string().optional(),
      inviter: z.string().optional(),
    }),
  ),
  app_home_opened: callback(
    z.looseObject({ type: z.literal('app_home_opened'), user: z.string(), channel: z.string(), tab: z.string().optional(), event_ts: z.string().optional() }),
  ),
  app_uninstalled: callback(z.looseObject({ type: z.literal('app_uninstalled') })),
} as const;

/** Inner event types with their own variant (`on('app_mention')`). */
export type SlackInnerEventType = keyof typeof slackCallbacks;

// Interactivity (https://docs.slack.dev/interactivity): a form post whose `payload` field is the
// JSON below, picked by its `type`. Only what every payload of a type carries is required.

/** Who acted, as interactivity payloads name them. */
const actor = z.looseObject({ id: z.string(), username: z.string().optional(), name: z.string().optional(), team_id: z.string().optional() });
/** The workspace, or null for an org-wide app. */
const team = z.looseObject({ id: z.string(), domain: z.string().optional() }).nullable();
const view = z.looseObject({
  id: z.string(),
  type: z.string(),
  callback_id: z.string().optional(),
  private_metadata: z.string().optional(),
  state: z.looseObject({}).optional(),
});

/** `block_actions`: a user clicked a button, picked an option … in a message, modal or Home tab. */
export const slackBlockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: actor,
  team,
  api_app_id: z.string().optional(),
  trigger_id: z.string().optional(),
  response_url: z.string().optional(),
  actions: z.array(z.looseObject({ type: z.string(), action_id: z.string(), block_id: z.string().optional(), action_ts: z.string().optional() })),
  container: z.looseObject({ type: z.string() }).optional(),
  channel: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
  message: z.looseObject({}).optional(),
  view: view.optional(),
});

/** `view_submission`: a modal was submitted (the acknowledgement closes it). */
export const slackViewSubmission = z.looseObject({
  type: z.literal('view_submission'),
  user: actor,
  team,
  api_app_id: z.string().optional(),
  trigger_id: z.string().optional(),
  view,
});

/** `view_closed`: a modal opened with `notify_on_close` was closed. */
export const slackViewClosed = z.looseObject({
  type: z.literal('view_closed'),
  user: actor,
  team,
  api_app_id: z.string().optional(),
  view,
  is_cleared: z.boolean().optional(),
});

/** `shortcut`: a global shortcut was used. */
export const slackShortcut = z.looseObject({
  type: z.literal('shortcut'),
  callback_id: z.string(),
  trigger_id: z.string(),
  user: actor,
  team,
  action_ts: z.string().optional(),
});

/** `message_action`: a message shortcut was used on a message. */
export const slackMessageAction = z.looseObject({
  type: z.literal('message_action'),
  callback_id: z.string(),
  trigger_id: z.string(),
  user: actor,
  team,
  channel: z.looseObject({ id: z.string(), name: z.string().optional() }),
  message: z.looseObject({}),
  response_url: z.string().optional(),
  message_ts: z.string().optional(),
  action_ts: z.string().optional(),
});

/**
 * A slash command (https://docs.slack.dev/interactivity/implementing-slash-commands): the form
 * fields Slack posts, every value a string (`text` is `''` for a bare `/command`).
 */
export const slackSlashCommand = z.looseObject({
  command: z.string().startsWith('/'),
  text: z.string(),
  user_id: z.string(),
  team_id: z.string(),
  channel_id: z.string(),
  response_url: z.string(),
  trigger_id: z.string(),
  api_app_id: z.string().optional(),
  user_name: z.string().optional(),
  team_domain: z.string().optional(),
  channel_name: z.string().optional(),
  enterprise_id: z.string().optional(),
  is_enterprise_install: z.string().optional(),
  token: z.string().optional(),
});

/**
 * The deliveries Slack expects a bare `200` for, within 3 s (interactivity and slash commands):
 * the handler answers them with an empty body. Anything to show the user goes to `response_url`
 * or the Web API afterwards.
 */
export const SLACK_ACKNOWLEDGED_EVENTS: ReadonlySet<string> = new Set([
  'block_actions',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'slash_command',
]);

/**
 * Every Slack event and variant: `url_verification`, `app_rate_limited`, and `event_callback`
 * whose variant is the inner `event.type` (`app_mention`, `message`, …) or, for inner types not
 * typed here, `event_callback` itself (`event.type` any string); the interactivity payloads
 * `block_actions`, `view_submission`, `view_closed`, `shortcut`, `message_action`; and
 * `slash_command`.
 */
export const slackEvents = {
  url_verification: slackUrlVerification,
  app_rate_limited: slackAppRateLimited,
  event_callback: {
    ...slackCallbacks,
    event_callback: callback(z.looseObject({ type: z.string().min(1) })),
  },
  block_actions: slackBlockActions,
  view_submission: slackViewSubmission,
  view_closed: slackViewClosed,
  shortcut: slackShortcut,
  message_action: slackMessageAction,
  slash_command: slackSlashCommand,
} as const;

/** A `url_verification` body. */
export type SlackUrlVerification = z.output<typeof slackUrlVerification>;
/** An `app_mention` delivery (the whole `event_callback` body). */
export type SlackAppMention = z.output<(typeof slackCallbacks)['app_mention']>;
/** A `message` delivery (the whole `event_callback` body). */
export type SlackMessage = z.output<(typeof slackCallbacks)['message']>;
/** A `block_actions` interactivity payload. */
export type SlackBlockActions = z.output<typeof slackBlockActions>;
/** A `view_submission` interactivity payload. */
export type SlackViewSubmission = z.output<typeof slackViewSubmission>;
/** A slash command's form fields. */
export type SlackSlashCommand = z.output<typeof slackSlashCommand>;
/** A `view_closed` interactivity payload. */
export type SlackViewClosed = z.output<typeof slackViewClosed>;
/** A global `shortcut` interactivity payload. */
export type SlackShortcut = z.output<typeof slackShortcut>;
/** A `message_action` (message shortcut) interactivity payload. */
export type SlackMessageAction = z.output<typeof slackMessageAction>;
