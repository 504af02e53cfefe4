// The opaque keyset cursor of DeliveryStore.list().

import { base64Of, bytesOfBase64, utf8Bytes, utf8Text } from './bytes.js';

/** Longest delivery id a cursor carries (a bound on what a URL can make a store compare). */
const MAX_CURSOR_ID_LENGTH = 1024;

/** A decoded keyset cursor: the last row of the previous page. */
export interface ListCursor {
  receivedAt: string;
  id: string;
}

/**
 * Encodes the keyset position after `delivery` as an opaque string.
 *
 * @example
 * ```ts
 * const cursor = encodeCursor({ receivedAt: '2026-01-01T00:00:00.000Z', id: '0193…' });
 * ```
 */
export function encodeCursor(position: ListCursor): string {
  return base64Of(utf8Bytes(`${position.receivedAt}|${position.id}`), true);
}

/**
 * Decodes a cursor from {@link encodeCursor}; returns null for anything malformed so a bad
 * cursor from a URL reads as "first page" instead of throwing.
 *
 * @example
 * ```ts
 * decodeCursor('garbage'); // null
 * ```
 */
export function decodeCursor(cursor: string | null | undefined): ListCursor | null {
  if (!cursor) return null;
  const text = utf8Text(bytesOfBase64(cursor));
  const bar = text.indexOf('|');
  if (bar <= 0) return null;
  const receivedAt = text.slice(0, bar);
  const id = text.slice(bar + 1);
  // Any id a store holds (record() and insertMany() take ids that are not UUIDs, e.g. imported
  // ones): refusing one here made list() hand out a cursor that led back to the first page.
  if (Number.isNaN(Date.parse(receivedAt)) || id.length === 0 || id.length > MAX_CURSOR_ID_LENGTH) return null;
  return { receivedAt: new Date(receivedAt).toISOString(), id };
}
