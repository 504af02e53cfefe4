import { z } from 'zod';
import { withAssignee, withRequester, withState } from './normalise.js';

/**
 * Issue statuses Pylon defines; workspaces may add custom slugs, so any other string is kept too.
 *
 * @example
 * ```ts
 * const isBuiltIn = (PYLON_ISSUE_STATUSES as readonly string[]).includes(event.state);
 * ```
 */
export const PYLON_ISSUE_STATUSES = ['new', 'waiting_on_you', 'waiting_on_customer', 'on_hold', 'closed'] as const;
/** A Pylon issue status: a built-in one or a workspace's custom slug. */
export type PylonIssueStatus = (typeof PYLON_ISSUE_STATUSES)[number] | (string & {});

const requiredString = z.string().min(1);
const isoDateTime = z.iso.datetime({ offset: true });
// The enum branch only documents the built-in values (JSON Schema, editor hints); any slug passes.
const issueStatus = z.union([z.enum(PYLON_ISSUE_STATUSES), z.string().min(1)]) as unknown as z.ZodType<PylonIssueStatus, string>;
/** Pylon sends the number as a JSON integer or, from some triggers, as a string of digits. */
const issueNumber = z.union(
  [
    z.number().int(),
    z
      .string()
      .regex(/^[0-9]+$/)
      .transform(Number)
      .pipe(z.number().int()),
  ],
  {
    error: 'issue_number must be an integer or a string of ASCII digits',
  },
);

/** Fields any Pylon event may carry; each is typed (and checked) only when present. */
const optionalFields = {
  issue_number: issueNumber.optional(),
  issue_title: z.string().optional(),
  issue_body: z.string().optional(),
  issue_link: z.string().optional(),
  issue_status: issueStatus.optional(),
  issue_previous_status: issueStatus.optional(),
  issue_tags: z.array(z.string()).optional(),
  issue_team_name: z.string().optional(),
  issue_account_id: z.string().optional(),
  issue_account_name: z.string().optional(),
  issue_requester_email: z.string().optional(),
  issue_requester_id: z.string().optional(),
  /** Pylon's own misspelling, still sent; copied to `issue_requester_id` when that is absent. */
  issue_requesteer_id: z.string().optional(),
  issue_assignee_email: z.string().optional(),
  issue_assignee_id: z.string().optional(),
  issue_last_message_sent_at: isoDateTime.optional(),
  issue_created_at: isoDateTime.optional(),
  message_id: z.string().optional(),
  message_author_id: z.string().optional(),
  message_author_name: z.string().optional(),
  message_body_html: z.string().optional(),
  message_ccs: z.array(z.string()).optional(),
  message_is_private: z.boolean().optional(),
  message_sent_at: isoDateTime.optional(),
};

/**
 * `issue_new`: a new issue was created.
 *
 * @example
 * ```ts
 * const event = IssueNewEvent.parse({ event_type: 'issue_new', issue_id: 'iss_1', issue_title: 'Printer on fire', issue_number: '42' });
 * event.issue_number; // 42
 * ```
 */
export const IssueNewEvent = z
  .looseObject({
    ...optionalFields,
    event_type: z.literal('issue_new'),
    issue_id: requiredString,
    issue_title: requiredString,
  })
  .transform(withRequester);
/** Payload of {@link IssueNewEvent} (unknown keys such as custom fields kept as `unknown`). */
export type IssueNewEvent = z.output<typeof IssueNewEvent>;

/**
 * `issue_assigned`: an issue was assigned. Accepts `issue_assignee_id` or `assignee_id` and
 * always adds the normalised `assignee_id`.
 *
 * @example
 * ```ts
 * IssueAssignedEvent.parse({ event_type: 'issue_assigned', issue_id: 'iss_1', issue_assignee_id: 'usr_7' }).assignee_id; // 'usr_7'
 * ```
 */
export const IssueAssignedEvent = z
  .looseObject({
    ...optionalFields,
    event_type: z.literal('issue_assigned'),
    issue_id: requiredString,
    issue_assignee_id: requiredString.optional(),
    assignee_id: requiredString.optional(),
  })
  .superRefine((value, context) => {
    if (value.issue_assignee_id === undefined && value.assignee_id === undefined) {
      context.addIssue({ code: 'custom', path: ['issue_assignee_id'], message: 'Required: issue_assignee_id (or assignee_id)' });
    }
  })
  .transform((value) => withAssignee(withRequester(value)));
/** Payload of {@link IssueAssignedEvent}, with the normalised `assignee_id`. */
export type IssueAssignedEvent = z.output<typeof IssueAssignedEvent>;

/**
 * `issue_status_changed` (alias `issue_state_changed`): an issue moved to another status.
 * Accepts `issue_status` or `issue_state` and always adds the normalised `state`.
 *
 * @example
 * ```ts
 * IssueStateChangedEvent.parse({ event_type: 'issue_state_changed', issue_id: 'iss_1', issue_state: 'closed' }).state; // 'closed'
 * ```
 */
export const IssueStateChangedEvent = z
  .looseObject({
    ...optionalFields,
    event_type: z.enum(['issue_status_changed', 'issue_state_changed']),
    issue_id: requiredString,
    issue_status: issueStatus.optional(),
    issue_state: issueStatus.optional(),
  })
  .superRefine((value, context) => {
    if (value.issue_status === undefined && value.issue_state === undefined) {
      context.addIssue({ code: 'custom', path: ['issue_status'], message: 'Required: issue_status (or issue_state)' });
    }
  })
  .transform((value) => withState<typeof value, PylonIssueStatus>(withRequester(value)));
/** Payload of {@link IssueStateChangedEvent}, with the normalised `state`. */
export type IssueStateChangedEvent = z.output<typeof IssueStateChangedEvent>;

/**
 * `issue_message_new` (alias `message_new`): a new message on an issue.
 *
 * @example
 * ```ts
 * MessageNewEvent.parse({ event_type: 'message_new', issue_id: 'iss_1', message_id: 'msg_9' }).message_id; // 'msg_9'
 * ```
 */
export const MessageNewEvent = z
  .looseObject({
    ...optionalFields,
    event_type: z.enum(['issue_message_new', 'message_new']),
    issue_id: requiredString,
    message_id: requiredString,
  })
  .transform(withRequester);
/** Payload of {@link MessageNewEvent}. */
export type MessageNewEvent = z.output<typeof MessageNewEvent>;

/**
 * Event name → schema, as the provider definition uses them.
 *
 * @example
 * ```ts
 * Object.keys(pylonEvents); // ['IssueNewEvent', 'IssueAssignedEvent', 'IssueStateChangedEvent', 'MessageNewEvent']
 * ```
 */
export const pylonEvents = { IssueNewEvent, IssueAssignedEvent, IssueStateChangedEvent, MessageNewEvent } as const;

/** Names of the typed Pylon events. */
export type PylonEventName = keyof typeof pylonEvents;

/** Any typed Pylon event payload. */
export type PylonEvent = IssueNewEvent | IssueAssignedEvent | IssueStateChangedEvent | MessageNewEvent;

/**
 * `event_type` values on the wire (aliases included) → event name.
 *
 * @example
 * ```ts
 * PYLON_EVENT_TYPES.message_new; // 'MessageNewEvent'
 * ```
 */
export const PYLON_EVENT_TYPES: Readonly<Record<string, PylonEventName>> = Object.freeze({
  issue_new: 'IssueNewEvent',
  issue_assigned: 'IssueAssignedEvent',
  issue_status_changed: 'IssueStateChangedEvent',
  issue_state_changed: 'IssueStateChangedEvent',
  issue_message_new: 'MessageNewEvent',
  message_new: 'MessageNewEvent',
});
