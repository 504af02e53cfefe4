import { JSON_VIEW_LIMITS, type JsonView, type RawReason } from '../lib/json-view';
import { CodeBlock } from './code-block';

const REASON_TEXT: Record<RawReason, string> = {
  not_json: 'Not JSON: shown as received.',
  binary: 'Not UTF-8: shown as base64.',
  too_deep: `Nested more than ${JSON_VIEW_LIMITS.maxDepth} levels deep: not pretty-printed, shown as received.`,
  too_large: 'Too large to pretty-print: shown as received.',
};

/**
 * Renders a {@link JsonView}: pretty JSON in a code block, or the raw text with why it is raw,
 * cut to a bounded size with a link to download the whole body.
 *
 * @example
 * ```tsx
 * <JsonViewBlock view={viewJsonText(delivery.body)} label="raw body" downloadHref={`/api/deliveries/${delivery.id}/body`} />
 * ```
 */
export function JsonViewBlock({ view, label, downloadHref }: { view: JsonView; label: string; downloadHref: string }) {
  if (view.kind === 'pretty') return <CodeBlock code={view.text} label={label} />;
  const shown = view.truncated ? ` Showing the first ${JSON_VIEW_LIMITS.maxShownChars.toLocaleString('en-US')} characters.` : '';
  return (
    <div className="stack-tight">
      {view.reason !== 'not_json' || view.truncated ? (
        <p className="notice notice-warning" data-testid={`${label.replace(/\W+/g, '-')}-fallback`}>
          {REASON_TEXT[view.reason]}
          {shown}{' '}
          <a href={downloadHref} download>
            Download the raw body
          </a>
          .
        </p>
      ) : null}
      {view.text ? <CodeBlock code={view.text} label={label} copy={!view.truncated} /> : null}
    </div>
  );
}
