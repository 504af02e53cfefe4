import type { DeliveryStatus } from '@hookgate/core';

/** How a status is shown: a short label, a colour tone and a one-line explanation. */
export interface StatusInfo {
  label: string;
  tone: 'success' | 'neutral' | 'danger' | 'warning' | 'info';
  description: string;
  /** Counts as a failure in charts and totals. */
  failure: boolean;
  /** Series colour in charts. */
  color: string;
}

const INFO = {
  handled: { label: 'Handled', tone: 'success', description: 'Verified, parsed and dispatched to the handlers.', failure: false, color: '#16a34a' },
  queued: {
    label: 'Queued',
    tone: 'info',
    description: 'Inbox mode: verified, stored and answered 202; a worker runs the handlers.',
    failure: false,
    color: '#2563eb',
  },
  retrying: {
    label: 'Retrying',
    tone: 'warning',
    description: 'Inbox mode: an attempt failed; the worker tries again after a backoff.',
    failure: false,
    color: '#f59e0b',
  },
  duplicate: {
    label: 'Duplicate',
    tone: 'neutral',
    description: 'Seen before inside the dedupe window: answered 200, not dispatched again.',
    failure: false,
    color: '#94a3b8',
  },
  in_progress: {
    label: 'In progress',
    tone: 'info',
    description: 'Another attempt was still running the handlers: answered 409 with Retry-After, not dispatched.',
    failure: false,
    color: '#0d9488',
  },
  rejected_signature: { label: 'Rejected', tone: 'danger', description: 'The signature did not verify: answered 401.', failure: true, color: '#dc2626' },
  invalid_payload: {
    label: 'Invalid payload',
    tone: 'warning',
    description: 'Verified, but the body did not match the event schema: answered 400.',
    failure: true,
    color: '#d97706',
  },
  unknown_event: {
    label: 'Unknown event',
    tone: 'info',
    description: 'Verified, but not an event this provider defines: recorded and answered 202.',
    failure: true,
    color: '#0284c7',
  },
  handler_error: {
    label: 'Handler error',
    tone: 'danger',
    description: 'A handler threw: answered 500 so the provider retries.',
    failure: true,
    color: '#7c3aed',
  },
  dead: {
    label: 'Dead',
    tone: 'danger',
    description: 'Inbox mode: every attempt failed and no retry is left. Replay it once the handler is fixed.',
    failure: true,
    color: '#991b1b',
  },
} satisfies Record<string, StatusInfo>;

// Checked against the status union without an object-literal excess check, so the table already
// holds the inbox statuses (queued, retrying, dead) for stores that record them.
/**
 * Display data per delivery status. Plain data, so client components can use it too.
 *
 * @example
 * ```ts
 * STATUS_INFO.rejected_signature.label; // 'Rejected'
 * ```
 */
export const STATUS_INFO: Readonly<Record<DeliveryStatus, StatusInfo>> = INFO;

/** Statuses in display order (same as core's `DELIVERY_STATUSES`). */
export const STATUS_ORDER = Object.keys(INFO) as DeliveryStatus[];
