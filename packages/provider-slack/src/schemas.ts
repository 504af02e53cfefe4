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

/**
 * Every Slack event and variant: `url_verification`, `app_rate_limited`, and `event_callback`
 * whose variant is the inner `event.type` (`app_mention`, `message`, …) or, for inner types not
 * typed here, `event_callback` itself (`event.type` any string).
 */
export const slackEvents = {
  url_verification: slackUrlVerification,
  app_rate_limited: slackAppRateLimited,
  event_callback: {
    ...slackCallbacks,
    event_callback: callback(z.looseObject({ type: z.string().min(1) })),
  },
} as const;

/** A `url_verification` body. */
export type SlackUrlVerification = z.output<typeof slackUrlVerification>;
/** An `app_mention` delivery (the whole `event_callback` body). */
export type SlackAppMention = z.output<(typeof slackCallbacks)['app_mention']>;
/** A `message` delivery (the whole `event_callback` body). */
export type SlackMessage = z.output<(typeof slackCallbacks)['message']>;
