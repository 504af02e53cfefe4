import type { ReactNode } from 'react';

/**
 * A titled panel: a `<section>` labelled by its `<h2>`, so screen readers list it as a region.
 * `aside` sits at the right of the header (a hint, a link).
 *
 * @example
 * ```tsx
 * <Card id="summary" title="Summary" aside={<span className="muted">hint</span>}>…</Card>
 * ```
 */
export function Card({ id, title, aside, children }: { id: string; title: ReactNode; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 id={`${id}-title`}>{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}
