import Link from 'next/link';
import { EmptyState } from '../components/empty-state';

export default function NotFound() {
  return (
    <section className="card">
      {/* The page's only heading, so an h1 (axe page-has-heading-one). */}
      <EmptyState title="Not found" level={1}>
        <p>
          Nothing lives at this address. It may be a delivery that was pruned. Go to the <Link href="/deliveries">deliveries</Link>.
        </p>
      </EmptyState>
    </section>
  );
}
