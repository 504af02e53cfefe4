// Payload types from GitHub's official webhook types (`@octokit/openapi-webhooks-types`), imported
// as types only: the published JavaScript never loads that package (an optional peer for types).
import type { operations } from '@octokit/openapi-webhooks-types';
import type { StandardSchemaV1 } from '@hookgate/core';
import type { GITHUB_EVENTS, GitHubOperationKeys } from './events.generated.js';

/** An `X-GitHub-Event` value Hookgate knows (e.g. `issues`, `push`, `ping`). */
export type GitHubEventName = keyof typeof GITHUB_EVENTS;

/** The actions of an event (`opened`, `closed` … for `issues`); `never` for events without actions. */
export type GitHubAction<E extends GitHubEventName> = (typeof GITHUB_EVENTS)[E][number];

/** A variant name: `<event>.<action>` where the event has actions, else the event name itself. */
export type GitHubVariantName = {
  [E in GitHubEventName]: [GitHubAction<E>] extends [never] ? E : `${E}.${GitHubAction<E>}`;
}[GitHubEventName];

type BodyOf<K> = K extends keyof operations ? (operations[K] extends { requestBody: { content: { 'application/json': infer P } } } ? P : never) : never;

/** The payload of one action of an event (or of an event without actions, `A` = `''`). */
type PayloadAt<E extends GitHubEventName, A extends string> = A extends keyof GitHubOperationKeys[E] ? BodyOf<GitHubOperationKeys[E][A]> : never;

/** The schemas `github()` defines: per event one schema, or `<event>.<action>` → schema. */
export type GitHubSchemas = {
  [E in GitHubEventName]: [GitHubAction<E>] extends [never]
    ? StandardSchemaV1<unknown, PayloadAt<E, ''>>
    : { [A in GitHubAction<E> as `${E}.${A}`]: StandardSchemaV1<unknown, PayloadAt<E, A>> };
};

/**
 * The payload type of an event (the union of its actions) or of one variant.
 *
 * @example
 * ```ts
 * import type { GitHubPayload } from '@hookgate/provider-github';
 * const title = (issue: GitHubPayload<'issues.opened'>) => issue.issue.title;
 * ```
 */
export type GitHubPayload<N extends GitHubEventName | GitHubVariantName> = N extends GitHubEventName
  ? [GitHubAction<N>] extends [never]
    ? PayloadAt<N, ''>
    : { [A in GitHubAction<N>]: PayloadAt<N, A> }[GitHubAction<N>]
  : N extends `${infer E extends GitHubEventName}.${infer A}`
    ? PayloadAt<E, A>
    : never;
