'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, type FormEvent } from 'react';
import {
  DEFAULT_PAGE_SIZE,
  filtersToQuery,
  hasNarrowingFilters,
  PAGE_SIZES,
  suggestedEvents,
  TIME_RANGES,
  type DeliveryFilters,
  type ProviderOption,
  type TimeRange,
} from '../lib/filter-options';
import { STATUS_INFO, STATUS_ORDER } from '../lib/status';

const FAILURE_STATUSES = STATUS_ORDER.filter((status) => STATUS_INFO[status].failure);

/**
 * The filter bar of the deliveries list: providers and event suggestions come from the registry
 * (`hookgate.config.ts`) through props. The URL is the state: submitting navigates to
 * `/deliveries?…` (dropping the cursor, since a new filter starts at the newest row), and
 * select changes apply at once.
 *
 * @example
 * ```tsx
 * <DeliveryFiltersForm filters={filters} providers={[{ id: 'acme', events: ['order.paid'] }]} />
 * ```
 */
export function DeliveryFiltersForm({ filters, providers }: { filters: DeliveryFilters; providers: readonly ProviderOption[] }) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const id = useId();
  const statusValue = filters.statuses.join(',');

  function apply(event?: FormEvent) {
    event?.preventDefault();
    const data = new FormData(form.current!);
    const value = (name: string) => String(data.get(name) ?? '').trim() || undefined;
    const status = value('status');
    const range = value('range') as TimeRange | undefined;
    const next: DeliveryFilters = {
      provider: value('provider'),
      statuses: status ? (status.split(',') as DeliveryFilters['statuses']) : [],
      event: value('event'),
      q: value('q'),
      range,
      // A preset range replaces explicit bounds that came from a link.
      from: range ? undefined : filters.from,
      to: range ? undefined : filters.to,
      cursor: undefined,
      limit: Number(value('limit') ?? DEFAULT_PAGE_SIZE),
    };
    const query = filtersToQuery(next, {}, DEFAULT_PAGE_SIZE);
    router.push(query ? `/deliveries?${query}` : '/deliveries');
  }

  const statusOptions = [
    ...STATUS_ORDER.map((status) => ({ value: status, label: STATUS_INFO[status].label })),
    { value: FAILURE_STATUSES.join(','), label: 'Any failure' },
  ];
  const knownStatus = statusOptions.some((option) => option.value === statusValue);

  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for every browser we serve; a form with role=search is the established equivalent
    <form ref={form} className="filters" role="search" aria-label="Filter deliveries" onSubmit={apply}>
      <div className="field field-search">
        <label htmlFor={`${id}-q`}>Search</label>
        <input id={`${id}-q`} type="search" name="q" defaultValue={filters.q ?? ''} placeholder="Event, id, reason or body text" key={`q-${filters.q ?? ''}`} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select id={`${id}-provider`} name="provider" defaultValue={filters.provider ?? ''} onChange={() => apply()} key={`p-${filters.provider ?? ''}`}>
          <option value="">All providers</option>
          {providers.map((provider) => (
            <option key={provider.id} value={provider.id}>
              {provider.id}
            </option>
          ))}
          {/* A route id from the address that the registry no longer has: shown as selected, not as "All providers". */}
          {filters.provider && !providers.some((provider) => provider.id === filters.provider) ? (
            <option value={filters.provider}>{filters.provider} (not configured)</option>
          ) : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} name="status" defaultValue={statusValue} onChange={() => apply()} key={`s-${statusValue}`}>
          <option value="">Any status</option>
          {statusOptions.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          {!knownStatus && statusValue ? <option value={statusValue}>{filters.statuses.map((s) => STATUS_INFO[s].label).join(' or ')}</option> : null}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-event`}>Event</label>
        <input
          id={`${id}-event`}
          name="event"
          list={`${id}-events`}
          defaultValue={filters.event ?? ''}
          placeholder="Any event"
          size={18}
          key={`e-${filters.event ?? ''}`}
        />
        <datalist id={`${id}-events`}>
          {suggestedEvents(providers, filters.provider).map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={`${id}-range`}>Time</label>
        <select id={`${id}-range`} name="range" defaultValue={filters.range ?? ''} onChange={() => apply()} key={`r-${filters.range ?? ''}`}>
          <option value="">{filters.from || filters.to ? 'Custom range' : 'Any time'}</option>
          {Object.entries(TIME_RANGES).map(([value, range]) => (
            <option key={value} value={value}>
              {range.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-limit`}>Rows</label>
        <select id={`${id}-limit`} name="limit" defaultValue={String(filters.limit)} onChange={() => apply()} key={`l-${filters.limit}`}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
          {PAGE_SIZES.includes(filters.limit as (typeof PAGE_SIZES)[number]) ? null : <option value={filters.limit}>{filters.limit}</option>}
        </select>
      </div>
      <div className="filter-actions">
        <button type="submit" className="button button-primary">
          Apply
        </button>
        {hasNarrowingFilters(filters) ? (
          <a className="button" href="/deliveries" onClick={(event) => (event.preventDefault(), router.push('/deliveries'))}>
            Clear
          </a>
        ) : null}
      </div>
    </form>
  );
}
