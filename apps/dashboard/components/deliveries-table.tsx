import Link from 'next/link';
import type { DeliverySummary } from '@hookgate/core';
import { formatDuration } from '../lib/format';
import { LocalTime } from './local-time';
import { ProviderTag, StatusBadge } from './status-badge';
import { VISIBLE_MESSAGE_IN_LIST_MAX, VISIBLE_NAME_MAX, VisibleText, visibleTitle } from './visible-text';

/**
 * What a delivery's event cell says when no event was recognised.
 *
 * @example
 * ```tsx
 * eventLabel({ event: null, status: 'rejected_signature' }); // 'Unverified delivery'
 * ```
 */
export function eventLabel(delivery: Pick<DeliverySummary, 'event' | 'status'>): string {
  if (delivery.event) return delivery.event;
  return delivery.status === 'rejected_signature' ? 'Unverified delivery' : 'Unrecognised payload';
}

/**
 * The deliveries list: one row per delivery, linking to its detail page. `compact` drops the
 * provider, reason detail and duration columns for narrow cards. A real table on wide screens;
 * under 640 px each row is laid out as a stacked card (CSS only, `table.cards-on-phone`), the
 * event and status first.
 *
 * @example
 * ```tsx
 * <DeliveriesTable items={page.items} caption="Deliveries, newest first" />
 * ```
 */
export function DeliveriesTable({ items, caption, compact = false }: { items: readonly DeliverySummary[]; caption: string; compact?: boolean }) {
  return (
    <div className="table-wrap">
      <table className="data cards-on-phone">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            {compact ? null : <th scope="col">Provider</th>}
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
            {compact ? null : (
              <th scope="col" className="numeric">
                Duration
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {items.map((delivery) => (
            <tr key={delivery.id} data-delivery-id={delivery.id} data-received-at={delivery.receivedAt}>
              <td className="nowrap cell-received">
                <LocalTime iso={delivery.receivedAt} withDate={!compact} />
              </td>
              {compact ? null : (
                <td className="cell-provider">
                  <ProviderTag provider={delivery.provider} />
                </td>
              )}
              <td className="cell-event">
                <Link href={`/deliveries/${delivery.id}`} className={delivery.event ? 'event-name' : undefined}>
                  <VisibleText text={eventLabel(delivery)} max={VISIBLE_NAME_MAX} />
                </Link>
                {delivery.variant && delivery.variant !== delivery.event ? (
                  <span className="event-variant">
                    <VisibleText text={delivery.variant} max={VISIBLE_NAME_MAX} />
                  </span>
                ) : null}
              </td>
              <td className="cell-status">
                <StatusBadge status={delivery.status} />
              </td>
              <td className={delivery.reason || (delivery.message && !compact) ? 'cell-reason' : 'cell-reason cell-empty'}>
                {delivery.reason ? <span className="reason">{delivery.reason}</span> : <span className="muted">—</span>}
                {delivery.message && !compact ? (
                  <span className="reason-message" title={visibleTitle(delivery.message)}>
                    <VisibleText text={delivery.message} max={VISIBLE_MESSAGE_IN_LIST_MAX} />
                  </span>
                ) : null}
              </td>
              {compact ? null : <td className="numeric nowrap cell-duration">{formatDuration(delivery.durationMs)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
