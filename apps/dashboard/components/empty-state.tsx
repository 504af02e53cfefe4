import type { ReactNode } from 'react';
import { PROVIDER_IDS } from '../lib/registry';

/**
 * What to show when there is nothing yet: a title, why, and the next command to run. `level={1}`
 * makes the title the page's heading (a page that is nothing but this state, such as the 404).
 *
 * @example
 * ```tsx
 * <EmptyState title="No deliveries yet" command="pnpm demo"><p>Send some.</p></EmptyState>
 * ```
 */
export function EmptyState({ title, children, command, level = 2 }: { title: string; children?: ReactNode; command?: string; level?: 1 | 2 }) {
  const Heading = level === 1 ? 'h1' : 'h2';
  return (
    <div className="empty">
      <Heading>{title}</Heading>
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
 * The empty state when the store holds no delivery at all: the webhook URLs of every registered
 * provider (server component: it reads the registry).
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
        This gateway receives webhooks at{' '}
        {PROVIDER_IDS.map((id, index) => (
          <span key={id}>
            {index === 0 ? '' : index === PROVIDER_IDS.length - 1 ? ' and ' : ', '}
            <code>/api/webhooks/{id}</code>
          </span>
        ))}{' '}
        (the providers in <code>hookgate.config.ts</code>). Send a signed sample mix (valid, tampered, unknown and duplicate deliveries for each) from another
        terminal:
      </p>
    </EmptyState>
  );
}
