import { HookgateError, type Delivery, type DeliveryStatus, type DeliverySummary } from '@hookgate/core';
import { encodeStoredBody, serializePayload, type DeliveryInput } from '@hookgate/core/store';
import type { DeliveriesTable } from './schema.js';

/**
 * Turns a handler's {@link DeliveryInput} into a `hookgate_deliveries` row: the body is cut at
 * `maxBodyBytes` and kept as UTF-8 text or base64, headers and payload become JSON text.
 * `stripNul` replaces U+0000 in plain text columns, which PostgreSQL `text` cannot hold (a
 * sender-chosen event name must not turn a delivery into a permanent 503).
 *
 * @example
 * ```ts
 * const row = toDeliveryRow(input, 1024 * 1024, false);
 * ```
 */
export function toDeliveryRow(input: DeliveryInput, maxBodyBytes: number, stripNul: boolean): DeliveriesTable {
  // Handlers pass the same instant as epoch ms: no second parse of the ISO text per delivery.
  const receivedAt = Number.isFinite(input.receivedAtMs) ? (input.receivedAtMs as number) : Date.parse(input.receivedAt);
  if (Number.isNaN(receivedAt)) {
    throw new HookgateError('invalid_config', `record(): receivedAt '${String(input.receivedAt)}' is not a date`);
  }
  const text = stripNul ? withoutNul : same;
  const body = encodeStoredBody(input.rawBody, maxBodyBytes);
  return {
    id: input.id,
    received_at: receivedAt,
    provider: text(input.provider),
    event: nullable(input.event, text),
    variant: nullable(input.variant, text),
    status: input.status,
    reason: nullable(input.reason, text),
    message: nullable(input.message, text),
    dedupe_key: nullable(input.dedupeKey, text),
    duplicate_of: input.duplicateOf ?? null,
    secret_index: input.secretIndex ?? null,
    method: text(input.method),
    path: nullable(input.path, text),
    headers: JSON.stringify(input.headers ?? {}),
    body: body.body,
    body_encoding: body.bodyEncoding,
    body_truncated: body.bodyTruncated ? 1 : 0,
    // Never throws: a payload too deep (or otherwise unserialisable) is kept as null, not a store outage.
    payload: input.payloadJson ?? serializePayload(input.payload),
    duration_ms: input.durationMs,
  };
}

/**
 * Reads a `hookgate_deliveries` row back as the flat, JSON-serialisable {@link Delivery}: its
 * summary, then headers, body and payload — the same key order as `MemoryStore`, so every store
 * serialises identically.
 *
 * @example
 * ```ts
 * const delivery = fromDeliveryRow(row); // { id, receivedAt: '2026-…Z', …, payload }
 * ```
 */
export function fromDeliveryRow(row: DeliveriesTable): Delivery {
  return {
    ...fromSummaryRow(row),
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown),
  };
}

function same(value: string): string {
  return value;
}

function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function nullable(value: string | null | undefined, map: (value: string) => string): string | null {
  return value === null || value === undefined ? null : map(value);
}

/**
 * Reads the summary columns of a `hookgate_deliveries` row as a {@link DeliverySummary} (no
 * headers, body or payload), in the same key order as `MemoryStore`'s summaries.
 *
 * @example
 * ```ts
 * const summary = fromSummaryRow(row); // { id, receivedAt, …, durationMs }
 * ```
 */
export function fromSummaryRow(row: Omit<DeliveriesTable, 'headers' | 'body' | 'payload'>): DeliverySummary {
  return {
    id: row.id,
    receivedAt: new Date(Number(row.received_at)).toISOString(),
    provider: row.provider,
    event: row.event,
    variant: row.variant,
    status: row.status as DeliveryStatus,
    reason: row.reason,
    message: row.message,
    dedupeKey: row.dedupe_key,
    duplicateOf: row.duplicate_of,
    secretIndex: row.secret_index === null ? null : Number(row.secret_index),
    method: row.method,
    path: row.path,
    bodyEncoding: row.body_encoding === 'base64' ? 'base64' : 'utf8',
    bodyTruncated: Number(row.body_truncated) === 1,
    durationMs: Number(row.duration_ms),
  };
}
