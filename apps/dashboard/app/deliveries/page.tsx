import type { Metadata } from 'next';
import Link from 'next/link';
import { DEFAULT_SEARCH_WINDOW, listSummaries } from '@hookgate/core';
import { DeliveriesTable } from '../../components/deliveries-table';
import { DeliveryFiltersForm } from '../../components/delivery-filters-form';
import { EmptyState, NoDeliveriesYet } from '../../components/empty-state';
import { ReplayMatchingButton } from '../../components/replay-controls';
import { LiveDeliveries } from '../../components/live-deliveries';
import { requirePageAccess } from '../../lib/access';
import { PROVIDER_IDS, PROVIDER_OPTIONS } from '../../lib/registry';
import { parseDeliveryFilters, toListQuery } from '../../lib/delivery-filters';
import { DEFAULT_PAGE_SIZE, filtersToQuery, hasNarrowingFilters } from '../../lib/filter-options';
import { isDeliveryId } from '../../lib/delivery-id';
import { getRuntime } from '../../lib/runtime';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Deliveries' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function DeliveriesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { filters, errors } = parseDeliveryFilters(params, { limit: DEFAULT_PAGE_SIZE });
  const here = filtersToQuery(filters, {}, DEFAULT_PAGE_SIZE);
  await requirePageAccess(here ? `/deliveries?${here}` : '/deliveries');

  const { store } = await getRuntime();
  const since = new Date().toISOString();
  // A search for a delivery's own id: offer it at once (a search reads the history window by window).
  const [page, exact] = await Promise.all([
    listSummaries(store, toListQuery(filters, Date.now())),
    filters.q && isDeliveryId(filters.q) ? store.get(filters.q) : Promise.resolve(null),
  ]);
  const narrowed = hasNarrowingFilters(filters);
  // An empty first page without filters means an empty store; otherwise say the filter matched nothing.
  const storeEmpty = page.items.length === 0 && !narrowed && !filters.cursor;

  const firstPageQuery = filtersToQuery(filters, { cursor: undefined }, DEFAULT_PAGE_SIZE);
  const firstPageHref = firstPageQuery ? `/deliveries?${firstPageQuery}` : '/deliveries';
  const pollQuery = filtersToQuery(
    filters,
    { cursor: undefined, range: undefined, from: undefined, to: undefined, limit: DEFAULT_PAGE_SIZE },
    DEFAULT_PAGE_SIZE,
  );
  const newestRow = page.items[0];
  const nextHref = page.nextCursor ? `/deliveries?${filtersToQuery(filters, { cursor: page.nextCursor }, DEFAULT_PAGE_SIZE)}` : null;
  const pastOnly = !filters.range && filters.to !== undefined && Date.parse(filters.to) < Date.now();

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Deliveries</h1>
          <p>Every webhook this gateway received — verified or not — newest first.</p>
        </div>
      </div>
      {filters.provider && !PROVIDER_IDS.includes(filters.provider) ? (
        <div className="notice notice-warning" role="status" style={{ marginBottom: '1rem' }}>
          “{filters.provider}” is not a provider in this gateway’s configuration: only deliveries recorded under that route id before it was removed can match.
        </div>
      ) : null}
      {errors.length > 0 ? (
        <div className="notice notice-warning" role="alert" style={{ marginBottom: '1rem' }}>
          Some filters in the address were ignored: {errors.join('; ')}.
        </div>
      ) : null}
      {exact ? (
        <div className="notice" role="status" style={{ marginBottom: '1rem' }} data-testid="exact-delivery">
          <code>{exact.id}</code> is the id of a delivery ({exact.provider}, {exact.event ?? 'no event'}):{' '}
          <Link href={`/deliveries/${exact.id}`}>open it →</Link>
        </div>
      ) : null}
      <section className="card" aria-label="Delivery list">
        <DeliveryFiltersForm filters={filters} providers={PROVIDER_OPTIONS} />
        {store.inbox ? (
          <div className="replay-bar">
            <ReplayMatchingButton query={firstPageQuery} />
          </div>
        ) : null}
        <LiveDeliveries
          filterQuery={pollQuery}
          newest={newestRow && !filters.cursor ? { receivedAt: newestRow.receivedAt, id: newestRow.id } : null}
          since={since}
          autoLoad={!narrowed && !filters.cursor}
          firstPageHref={firstPageHref}
          enabled={!pastOnly}
          summary={
            page.items.length === 0
              ? 'No deliveries'
              : `Showing ${page.items.length} ${page.items.length === 1 ? 'delivery' : 'deliveries'}${filters.cursor ? ' (older page)' : ''}`
          }
        >
          {storeEmpty ? (
            <NoDeliveriesYet />
          ) : page.items.length === 0 && filters.q && page.nextCursor ? (
            <EmptyState title="No matches among the deliveries searched so far">
              <p>
                A search reads {DEFAULT_SEARCH_WINDOW.toLocaleString('en-US')} deliveries per page, so it never holds up the webhooks this server receives. Use{' '}
                <strong>Older →</strong> below to search the next ones, or narrow the time range.
              </p>
            </EmptyState>
          ) : page.items.length === 0 ? (
            <EmptyState title="No deliveries match these filters">
              <p>
                Widen the time range or <Link href="/deliveries">clear the filters</Link>.
              </p>
            </EmptyState>
          ) : (
            <DeliveriesTable items={page.items} caption="Deliveries, newest first" />
          )}
        </LiveDeliveries>
        {filters.cursor || nextHref ? (
          <nav className="pagination" aria-label="Pagination">
            <span className="muted">{nextHref ? 'More deliveries are older than these.' : 'You have reached the oldest delivery.'}</span>
            <div className="links">
              {filters.cursor ? (
                <Link className="button" href={firstPageHref}>
                  ← Newest
                </Link>
              ) : null}
              {nextHref ? (
                <Link className="button" href={nextHref} rel="next">
                  Older →
                </Link>
              ) : null}
            </div>
          </nav>
        ) : null}
      </section>
    </>
  );
}
