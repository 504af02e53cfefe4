// The normalisations of Pylon payloads, in one place for both parse paths: the zod schemas'
// transforms (on zod's own fresh output object) and the fast path (on the body it has just
// parsed and checked). Each changes the object it is given and returns it. Not exported from the
// package: the schemas' outputs are the public face of these.

/** Fields the normalisations read. */
interface Normalisable {
  issue_requester_id?: string | undefined;
  issue_requesteer_id?: string | undefined;
  issue_assignee_id?: string | undefined;
  assignee_id?: string | undefined;
  issue_status?: string | undefined;
  issue_state?: string | undefined;
}

/** Adds `issue_requester_id` from the misspelt `issue_requesteer_id` when only that is present (never replaces). */
export function withRequester<T extends Pick<Normalisable, 'issue_requester_id' | 'issue_requesteer_id'>>(value: T): T {
  if (value.issue_requester_id === undefined && value.issue_requesteer_id !== undefined) value.issue_requester_id = value.issue_requesteer_id;
  return value;
}

/** Sets the normalised `assignee_id`: `issue_assignee_id`, else `assignee_id` (the schema requires one). */
export function withAssignee<T extends Pick<Normalisable, 'issue_assignee_id' | 'assignee_id'>>(value: T): T & { assignee_id: string } {
  value.assignee_id = (value.issue_assignee_id ?? value.assignee_id) as string;
  return value as T & { assignee_id: string };
}

/** Sets the normalised `state`: `issue_status`, else `issue_state` (the schema requires one). */
export function withState<T extends Pick<Normalisable, 'issue_status' | 'issue_state'>, S extends string>(value: T): T & { state: S } {
  (value as T & { state: S }).state = (value.issue_status ?? value.issue_state) as S;
  return value as T & { state: S };
}
