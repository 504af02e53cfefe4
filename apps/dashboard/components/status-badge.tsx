import type { DeliveryStatus } from '@hookgate/core';
import { STATUS_INFO } from '../lib/status';

/**
 * A delivery status as a coloured pill; the description is its tooltip.
 *
 * @example
 * ```tsx
 * <StatusBadge status="rejected_signature" /> // “Rejected”, red
 * ```
 */
export function StatusBadge({ status }: { status: DeliveryStatus }) {
  const info = STATUS_INFO[status] ?? { label: status, tone: 'neutral', description: '' };
  return (
    <span className={`badge tone-${info.tone}`} title={info.description} data-status={status}>
      {info.label}
    </span>
  );
}

/**
 * A provider id in a small monospace tag.
 *
 * @example
 * ```tsx
 * <ProviderTag provider="acme" />
 * ```
 */
export function ProviderTag({ provider }: { provider: string }) {
  return <span className="provider-tag">{provider}</span>;
}
