import { visibleFormatParts } from '../lib/control-characters';

/** Longest sender-chosen text a page shows by default (older records may hold longer text). */
export const VISIBLE_TEXT_MAX = 1000;

/** Longest event or variant name a heading or a list row shows (core records at most 200). */
export const VISIBLE_NAME_MAX = 200;

/** Longest failure message a list row shows (the detail page shows more). */
export const VISIBLE_MESSAGE_IN_LIST_MAX = 300;

/**
 * `text` cut to at most `max` characters (ending in "…"), never inside a surrogate pair.
 *
 * @example
 * ```ts
 * capForDisplay('x'.repeat(5000)).length; // 1000
 * ```
 */
export function capForDisplay(text: string, max = VISIBLE_TEXT_MAX): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * `text` with its invisible formatting characters (bidi overrides, zero-width spaces…) written as
 * their `\uXXXX` escapes, cut at `max`: for attributes (`title`), where no element can mark them.
 *
 * @example
 * ```ts
 * visibleTitle('invoice.\u202Edeliaf'); // 'invoice.\\u202edeliaf'
 * ```
 */
export function visibleTitle(text: string, max = VISIBLE_TEXT_MAX): string {
  return visibleFormatParts(capForDisplay(text, max))
    .map((part) => (typeof part === 'string' ? part : part.escape))
    .join('');
}

/**
 * Sender-chosen text (event and variant names, messages, dedupe keys, header values) as a page
 * shows it: cut at `max` characters, and with invisible formatting characters shown as their
 * escapes in a marked box, so `invoice.\u202Edeliaf_tnemyap` cannot read as
 * `invoice.payment_failed`.
 *
 * @example
 * ```tsx
 * <VisibleText text={delivery.event ?? ''} />
 * ```
 */
export function VisibleText({ text, max = VISIBLE_TEXT_MAX }: { text: string; max?: number }) {
  return (
    <>
      {visibleFormatParts(capForDisplay(text, max)).map((part, index) =>
        typeof part === 'string' ? (
          part
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity but their place
          <span key={index} className="invisible-char" title="invisible formatting character">
            {part.escape}
          </span>
        ),
      )}
    </>
  );
}
