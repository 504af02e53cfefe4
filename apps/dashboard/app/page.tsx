import type { Metadata } from 'next';
import Link from 'next/link';
import { listSummaries, type DeliveryStatus } from '@hookgate/core';
import { Card } from '../components/card';
import { DeliveriesTable } from '../components/deliveries-table';
import { EmptyState, NoDeliveriesYet } from '../components/empty-state';
import { LiveRefresh } from '../components/live-refresh';
import { TimeSeriesChart } from '../components/time-series-chart';
import { requirePageAccess } from '../lib/access';
import { PROVIDER_IDS, providerColor } from '../lib/registry';
import { formatCount } from '../lib/format';
import { buildOverviewSeries, OVERVIEW_RANGES, type OverviewRange } from '../lib/overview';
import { getRuntime } from '../lib/runtime';
import { STATUS_INFO, STATUS_ORDER } from '../lib/status';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Overview' };

const FAILURES = STATUS_ORDER.filter((status) => STATUS_INFO[status].failure);

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { range: rawRange } = await searchParams;
  const range: OverviewRange = typeof rawRange === 'string' && rawRange in OVERVIEW_RANGES ? (rawRange as OverviewRange) : '24h';
  await requirePageAccess(range === '24h' ? '/' : `/?range=${range}`);
  const { store } = await getRuntime();
  const { ms, bucket, label } = OVERVIEW_RANGES[range];
  const to = new Date();
  const from = new Date(to.getTime() - ms);
  const [stats, recentFailures, anyAtAll] = await Promise.all([
    store.stats({ from, to, bucket }),
    listSummaries(store, { status: FAILURES, from, limit: 5 }),
    listSummaries(store, { limit: 1 }),
  ]);

  const rangeLinks = (
    <nav className="segmented" aria-label="Time range">
      {Object.entries(OVERVIEW_RANGES).map(([key, value]) => (
        <Link key={key} href={key === '24h' ? '/' : `/?range=${key}`} aria-current={key === range ? 'true' : undefined}>
          {value.label}
        </Link>
      ))}
    </nav>
  );
  const header = (
    <div className="page-header">
      <div>
        <h1>Overview</h1>
        <p>
          Deliveries received in the last {label}, by status and provider.{' '}
          {/* New deliveries and status changes (a worker finishing a queued one) re-render the page. */}
          <LiveRefresh active on={['delivery', 'change']} label="Live" />
        </p>
      </div>
      {rangeLinks}
    </div>
  );

  if (anyAtAll.items.length === 0) {
    return (
      <>
        {header}
        <section className="card">
          <NoDeliveriesYet />
        </section>
      </>
    );
  }

  const { totals } = stats;
  const failures = FAILURES.reduce((sum, status) => sum + totals[status], 0);
  const series = buildOverviewSeries(stats, PROVIDER_IDS);
  const statusSeries = STATUS_ORDER.map((status) => ({ key: status, label: STATUS_INFO[status].label, color: STATUS_INFO[status].color }));
  const providerSeries = series.providers.map((provider) => ({ key: provider, label: provider, color: providerColor(provider) }));
  const rangeQuery = range;
  const deliveriesLink = (status: DeliveryStatus | readonly DeliveryStatus[]) => `/deliveries?status=${[status].flat().join(',')}&range=${rangeQuery}`;

  const cards: Array<{ label: string; value: number; sub: string; href: string }> = [
    { label: 'Deliveries', value: totals.all, sub: `in the last ${label}`, href: `/deliveries?range=${rangeQuery}` },
    {
      label: 'Handled',
      value: totals.handled,
      sub: totals.all ? `${Math.round((totals.handled / totals.all) * 100)}% of all` : '—',
      href: deliveriesLink('handled'),
    },
    {
      label: 'Failures',
      value: failures,
      sub: totals.all ? `${((failures / totals.all) * 100).toFixed(1)}% failure rate` : '—',
      href: deliveriesLink(FAILURES),
    },
    { label: 'Rejected signatures', value: totals.rejected_signature, sub: 'answered 401', href: deliveriesLink('rejected_signature') },
    {
      label: 'Invalid or unknown',
      value: totals.invalid_payload + totals.unknown_event,
      sub: 'answered 400 / 202',
      href: deliveriesLink(['invalid_payload', 'unknown_event']),
    },
    { label: 'Duplicates', value: totals.duplicate, sub: 'not dispatched again', href: deliveriesLink('duplicate') },
  ];

  return (
    <>
      {header}
      <div className="stack">
        <section aria-label="Totals" className="stat-grid">
          {cards.map((card) => (
            <Link key={card.label} href={card.href} className="card stat" style={{ textDecoration: 'none', color: 'inherit' }}>
              <div className="stat-label">{card.label}</div>
              <div className="stat-value" data-testid={`total-${card.label.toLowerCase().replace(/\W+/g, '-')}`}>
                {formatCount(card.value)}
              </div>
              <div className="stat-sub">{card.sub}</div>
            </Link>
          ))}
        </section>

        {totals.all === 0 ? (
          <section className="card">
            <EmptyState title={`No deliveries in the last ${label}`}>
              <p>
                Pick a longer range above, or send a sample mix with <code>pnpm demo</code>.
              </p>
            </EmptyState>
          </section>
        ) : (
          <>
            <Card id="volume" title="Volume by status" aside={<span className="muted">per {bucket}</span>}>
              <div className="card-body">
                <TimeSeriesChart
                  data={series.byStatus}
                  series={statusSeries}
                  kind="stacked-bar"
                  bucket={bucket}
                  label={`Deliveries per ${bucket} by status, last ${label}`}
                />
              </div>
            </Card>
            <div className="grid-2">
              <Card id="providers" title="Volume by provider">
                <div className="card-body">
                  <TimeSeriesChart
                    data={series.byProvider}
                    series={providerSeries}
                    kind="stacked-bar"
                    bucket={bucket}
                    label={`Deliveries per ${bucket} by provider, last ${label}`}
                  />
                </div>
              </Card>
              <Card id="failures" title="Failures by provider">
                <div className="card-body">
                  <TimeSeriesChart
                    data={series.failuresByProvider}
                    series={providerSeries}
                    kind="line"
                    bucket={bucket}
                    label={`Failed deliveries per ${bucket} by provider, last ${label}`}
                  />
                </div>
              </Card>
            </div>
          </>
        )}

        <div className="grid-2">
          <Card id="reasons" title="Top rejection reasons">
            {stats.reasons.length === 0 ? (
              <p className="card-body muted" style={{ margin: 0 }}>
                No failures in the last {label}.
              </p>
            ) : (
              <table className="data">
                <caption className="visually-hidden">Failure reasons, most frequent first</caption>
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col" className="numeric">
                      Deliveries
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {stats.reasons.map((reason) => (
                    <tr key={reason.reason}>
                      <td>
                        <Link className="reason" href={`/deliveries?q=${encodeURIComponent(reason.reason)}&range=${rangeQuery}`}>
                          {reason.reason}
                        </Link>
                      </td>
                      <td className="numeric">{formatCount(reason.count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card id="recent-failures" title="Latest failures" aside={<Link href={deliveriesLink(FAILURES)}>All failures →</Link>}>
            {recentFailures.items.length === 0 ? (
              <p className="card-body muted" style={{ margin: 0 }}>
                Nothing failed in the last {label}.
              </p>
            ) : (
              <DeliveriesTable items={recentFailures.items} caption="Latest failed deliveries" compact />
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
