// The dedupe key of a delivery: the provider's event id, or a SHA-256 of the signed message.
import { cryptoBackend } from '#crypto';
import type { MessageChunk } from './message-template.js';

/**
 * Longest provider event id kept as the dedupe key as it is (UTF-16 code units). Real ids are far
 * shorter (GitHub's delivery GUID 36, Stripe's `evt_…` ~28); a longer one is hashed, because
 * stores index the key and PostgreSQL refuses index entries over ~2.7 KB.
 */
export const MAX_PLAIN_EVENT_ID_LENGTH = 200;

/** Prefix of a dedupe key made by hashing an event id that cannot be stored as it is. */
export const HASHED_EVENT_ID_PREFIX = 'event-id-sha256:';

/**
 * The dedupe key for a delivery: its provider event id when it has one — as it is when it is at
 * most {@link MAX_PLAIN_EVENT_ID_LENGTH} characters of well-formed text without NUL, else
 * `event-id-sha256:` + the SHA-256 of its UTF-16 code units (so ids that differ only in a lone
 * surrogate or past the limit stay distinct, and every store can index the key) — otherwise the
 * SHA-256 (hex) of the signed message.
 *
 * @example
 * ```ts
 * dedupeKey('evt_1', []); // 'evt_1'
 * dedupeKey(undefined, ['1750000000.', body]); // 'a1b2…' (64 hex characters)
 * dedupeKey('x'.repeat(5000), []); // 'event-id-sha256:…'
 * ```
 */
export function dedupeKey(eventId: string | undefined, signedMessage: readonly MessageChunk[]): string | Promise<string> {
  if (!eventId) return cryptoBackend.sha256Hex(signedMessage);
  if (isPlainEventId(eventId)) return eventId;
  const units = new Uint8Array(eventId.length * 2);
  for (let index = 0; index < eventId.length; index++) {
    const unit = eventId.charCodeAt(index);
    units[2 * index] = unit & 0xff;
    units[2 * index + 1] = unit >>> 8;
  }
  const hex = cryptoBackend.sha256Hex([units]);
  return typeof hex === 'string' ? HASHED_EVENT_ID_PREFIX + hex : hex.then((digest) => HASHED_EVENT_ID_PREFIX + digest);
}

/** Short, no NUL, no lone surrogate: text every store keeps and indexes unchanged. */
function isPlainEventId(eventId: string): boolean {
  if (eventId.length > MAX_PLAIN_EVENT_ID_LENGTH) return false;
  for (let index = 0; index < eventId.length; index++) {
    const unit = eventId.charCodeAt(index);
    if (unit === 0) return false;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = eventId.charCodeAt(index + 1);
      // A high surrogate followed by a low one is a pair; anything else is lone.
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
      index++;
    }
  }
  return true;
}
