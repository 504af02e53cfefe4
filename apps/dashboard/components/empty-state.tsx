import type { ReactNode } from 'react';

/**
 * What to show when there is nothing yet: a title, why, and the next command to run.
 *
 * @example
 * ```tsx
 * <EmptyState title="No deliveries yet" command="pnpm demo"><p>Send some.</p></EmptyState>
 * ```
 */
export function EmptyState({ title, children, command }: { title: string; children?: ReactNode; command?: string }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
      {command ? (
        <pre>
          <code>{command}</code>
        </pre>
      ) : null}
    </div>
  );
}

/**
 * The empty state when the store holds no delivery at all.
 *
 * @example
 * ```tsx
 * {page.items.length === 0 ? <NoDeliveriesYet /> : <DeliveriesTable items={page.items} caption="…" />}
 * ```
 */
export function NoDeliveriesYet() {
  return (
    <EmptyState title="No deliveries yet" command="pnpm demo">
      <p>
        This gateway receives webhooks at <code>/api/webhooks/pylon</code> and <code>/api/webhooks/webhooks-b</code>. Send a
        signed sample mix (valid, tampered, unknown and duplicate deliveries) from another terminal:
      </p>
    </EmptyState>
  );
}
