import Link from 'next/link';
import { EmptyState } from '../components/empty-state';

export default function NotFound() {
  return (
    <section className="card">
      <EmptyState title="Not found">
        <p>
          Nothing lives at this address. It may be a delivery that was pruned. Go to the <Link href="/deliveries">deliveries</Link>.
        </p>
      </EmptyState>
    </section>
  );
}
