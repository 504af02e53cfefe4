import { CopyButton } from './copy-button';

/**
 * A dark, scrollable code block with a copy button (`copy={false}` leaves it out, e.g. for a
 * truncated text that would copy only part of the data).
 *
 * @example
 * ```tsx
 * <CodeBlock code={JSON.stringify(payload, null, 2)} label="parsed payload" />
 * ```
 */
export function CodeBlock({ code, label, copy = true }: { code: string; label: string; copy?: boolean }) {
  return (
    <div className="code-block">
      {/* biome-ignore lint/a11y: a scrollable <pre> must be a labelled region reachable by keyboard (axe scrollable-region-focusable); <section> cannot hold preformatted text */}
      <pre role="region" tabIndex={0} aria-label={label}>
        <code>{code}</code>
      </pre>
      {copy ? <CopyButton text={code} label={label} /> : null}
    </div>
  );
}
