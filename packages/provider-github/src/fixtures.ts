import { loadFixtures, type FixtureCase } from '@hookgate/core/testing';
import type { GitHubEventName, GitHubVariantName } from './types.js';

/** Variants with a sample delivery in `fixtures/valid.json`. */
export type GitHubFixtureName = Extract<GitHubVariantName, 'issues.opened' | 'issue_comment.created' | 'push' | 'ping'>;

/** A valid sample: the `X-GitHub-Event` value to send and the body (trimmed to the fields GitHub always sends). */
export interface GitHubSample<E extends GitHubEventName = GitHubEventName> {
  readonly event: E;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A delivery that is not a valid event, with the outcome the handler must give it. */
export interface GitHubFixtureCase extends FixtureCase {
  /** The `X-GitHub-Event` value to send; `null` sends none. */
  readonly event: string | null;
}

/** The sample deliveries in `fixtures/*.json`, shared by tests, examples, the CLI and the dashboard demo. */
export interface GitHubFixtures {
  readonly valid: {
    readonly [V in GitHubFixtureName]: GitHubSample<V extends `${infer E extends GitHubEventName}.${string}` ? E : Extract<V, GitHubEventName>>;
  };
  /** Refused as invalid payloads (400): not JSON, not an object, no action, a broken envelope. */
  readonly invalid: Readonly<Record<string, GitHubFixtureCase>>;
  /** Answered as unknown events (202): an undocumented event or action, no `X-GitHub-Event`. */
  readonly unknown: Readonly<Record<string, GitHubFixtureCase>>;
}

/**
 * Sample GitHub deliveries (read from the package's `fixtures/` folder on first access: a fresh copy every time).
 *
 * @example
 * ```ts
 * import { fixtures, signGitHub } from '@hookgate/provider-github';
 *
 * const { event, payload } = fixtures.valid['issue_comment.created'];
 * const { headers, body } = signGitHub({ event, payload, secret: 'whsec-test' });
 * ```
 */
export const fixtures = loadFixtures<GitHubFixtures>(import.meta.url, ['valid', 'invalid', 'unknown']);
