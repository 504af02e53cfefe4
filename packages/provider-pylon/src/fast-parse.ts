import type { FastParse } from '@hookgate/core/provider';
import { withAssignee, withRequester, withState } from './normalise.js';
import type { IssueAssignedEvent, IssueNewEvent, IssueStateChangedEvent, MessageNewEvent, PylonIssueStatus } from './schemas.js';
import { isIssueAssignedEvent, isIssueNewEvent, isIssueStateChangedEvent, isMessageNewEvent } from './validators.generated.js';

type Body = Record<string, unknown>;

/**
 * The part of the zod schemas JSON Schema cannot state: `issue_number` sent as a string of digits
 * becomes a number, which zod then requires to be a safe integer. `false` when that would fail
 * (the schema decides and reports it), else whether the body was changed.
 */
function withIssueNumber(body: Body): 'changed' | 'same' | false {
  const raw = body.issue_number;
  if (typeof raw !== 'string') return 'same';
  const number = Number(raw);
  if (!Number.isSafeInteger(number)) return false;
  body.issue_number = number;
  return 'changed';
}

/**
 * The result for an event whose only normalisations are `issue_number` and the requester: the
 * body itself, flagged `unchanged` when neither applied (its JSON text is then the body's own,
 * and stores keep that instead of serialising it again).
 */
function requesterOnly<T extends IssueNewEvent | MessageNewEvent>(
  body: T,
  issueNumber: 'changed' | 'same' | false,
): { value: T; unchanged: boolean } | undefined {
  if (issueNumber === false) return undefined;
  const requester = body.issue_requester_id;
  const value = withRequester(body);
  // withRequester only ever adds the field: unchanged when it is still what it was.
  return { value, unchanged: issueNumber === 'same' && value.issue_requester_id === requester };
}

/**
 * The fast path of each Pylon event: the validator generated from `schema/<EventName>.json`
 * (`src/validators.generated.ts`), then the schema's normalisations applied to the parsed body
 * itself — no copy, where zod would copy every key. Proven equal to the zod schemas' results
 * by `fast-parse.test.ts` (property tests over valid and invalid bodies). `IssueNewEvent` and
 * `MessageNewEvent` bodies that need no normalisation come back flagged `unchanged`.
 */
export const pylonFastParse = {
  IssueNewEvent: ((value) =>
    isIssueNewEvent(value) ? requesterOnly(value as IssueNewEvent, withIssueNumber(value as Body)) : undefined) satisfies FastParse<IssueNewEvent>,
  IssueAssignedEvent: ((value) =>
    isIssueAssignedEvent(value) && withIssueNumber(value as Body) !== false
      ? { value: withAssignee(withRequester(value as IssueAssignedEvent)) }
      : undefined) satisfies FastParse<IssueAssignedEvent>,
  IssueStateChangedEvent: ((value) =>
    isIssueStateChangedEvent(value) && withIssueNumber(value as Body) !== false
      ? { value: withState<IssueStateChangedEvent, PylonIssueStatus>(withRequester(value as IssueStateChangedEvent)) }
      : undefined) satisfies FastParse<IssueStateChangedEvent>,
  MessageNewEvent: ((value) =>
    isMessageNewEvent(value) ? requesterOnly(value as MessageNewEvent, withIssueNumber(value as Body)) : undefined) satisfies FastParse<MessageNewEvent>,
};
