import { CopyButton } from './copy-button';

/**
 * A dark, scrollable code block with a copy button.
 *
 * @example
 * ```tsx
 * <CodeBlock code={JSON.stringify(payload, null, 2)} label="parsed payload" />
 * ```
 */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="code-block">
      <pre tabIndex={0} aria-label={label}>
        <code>{code}</code>
      </pre>
      <CopyButton text={code} label={label} />
    </div>
  );
}
