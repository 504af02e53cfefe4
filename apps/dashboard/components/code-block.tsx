import { visibleFormatParts } from '../lib/control-characters';
import { CopyButton } from './copy-button';

/**
 * A dark, scrollable code block with a copy button (`copy={false}` leaves it out, e.g. for a
 * truncated text that would copy only part of the data). Invisible formatting characters (bidi
 * overrides, zero-width spaces, a byte-order mark) are shown as their `\uXXXX` escapes; the copy
 * button copies the text as it is.
 *
 * @example
 * ```tsx
 * <CodeBlock code={JSON.stringify(payload, null, 2)} label="parsed payload" />
 * ```
 */
export function CodeBlock({ code, label, copy = true }: { code: string; label: string; copy?: boolean }) {
  return (
    <div className="code-block">
      {/* Labelled apart from the card around it ("Raw body" / "raw body text"): landmark names must differ. */}
      {/* biome-ignore lint/a11y: a scrollable <pre> must be a labelled region reachable by keyboard (axe scrollable-region-focusable); <section> cannot hold preformatted text */}
      <pre role="region" tabIndex={0} aria-label={`${label} text`}>
        <code>
          {visibleFormatParts(code).map((part, index) =>
            typeof part === 'string' ? (
              part
            ) : (
              // Shown as its escape: a bidi override would otherwise reorder the text after it.
              // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity but their place
              <span key={index} className="invisible-char" title="invisible formatting character">
                {part.escape}
              </span>
            ),
          )}
        </code>
      </pre>
      {copy ? <CopyButton text={code} label={label} /> : null}
    </div>
  );
}
