'use client';

import { useSyncExternalStore } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { LocalTime } from './local-time';

const noSubscribe = () => () => {};

const TOOLTIP_STYLE = { fontSize: 13, borderRadius: 6, background: 'var(--surface)', borderColor: 'var(--border-strong)', color: 'var(--text)' };

/** One bucket of a time series: `t` (epoch ms, bucket start) plus a count per series key. */
export type SeriesPoint = { t: number } & Record<string, number>;

export interface TimeSeriesChartProps {
  data: SeriesPoint[];
  series: ReadonlyArray<{ key: string; label: string; color: string }>;
  kind: 'stacked-bar' | 'line';
  bucket: 'minute' | 'hour' | 'day';
  /** Accessible description of what the chart shows. */
  label: string;
}

/**
 * A Recharts time series (stacked bars or lines) with times in the reader's time zone. The
 * numbers are also available as a table below it for screen readers and keyboard users.
 *
 * @example
 * ```tsx
 * <TimeSeriesChart data={points} series={[{ key: 'acme', label: 'acme', color: '#4f46e5' }]} kind="line" bucket="hour" label="Failures per hour" />
 * ```
 */
export function TimeSeriesChart({ data, series, kind, bucket, label }: TimeSeriesChartProps) {
  // Axis labels use the browser's time zone, which the server cannot know: draw after hydration.
  const hydrated = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
  const tick = (value: number) => formatTick(value, bucket);
  // Grid, axis and tick colours come from globals.css (light and dark themes); Recharts'
  // presentation attributes are only the fallback.
  const common = (
    <>
      <CartesianGrid vertical={false} />
      <XAxis dataKey="t" tickFormatter={tick} tick={{ fontSize: 12 }} minTickGap={24} tickLine={false} />
      <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={40} tickLine={false} axisLine={false} />
      <Tooltip labelFormatter={(value) => formatTooltip(Number(value), bucket)} contentStyle={TOOLTIP_STYLE} />
      {/* Legend text in body colour: series colours alone are below 4.5:1 contrast on the surface. */}
      <Legend wrapperStyle={{ fontSize: 13 }} iconType="circle" iconSize={9} formatter={(value) => <span style={{ color: 'var(--text)' }}>{value}</span>} />
    </>
  );
  return (
    <figure style={{ margin: 0 }}>
      <div className="chart" role="img" aria-label={label}>
        {hydrated ? (
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 280 }}>
            {kind === 'stacked-bar' ? (
              <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
                {common}
                {series.map((s) => (
                  <Bar key={s.key} dataKey={s.key} name={s.label} stackId="all" fill={s.color} isAnimationActive={false} maxBarSize={36} />
                ))}
              </BarChart>
            ) : (
              <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
                {common}
                {series.map((s) => (
                  <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={2} dot={false} type="linear" isAnimationActive={false} />
                ))}
              </LineChart>
            )}
          </ResponsiveContainer>
        ) : null}
      </div>
      <details className="data-table">
        <summary>Show as table</summary>
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">{label}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {series.map((s) => (
                  <th scope="col" key={s.key} className="numeric">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data
                .filter((point) => series.some((s) => (point[s.key] ?? 0) > 0))
                .map((point) => (
                  <tr key={point.t}>
                    <th scope="row" className="nowrap">
                      <LocalTime iso={new Date(point.t).toISOString()} />
                    </th>
                    {series.map((s) => (
                      <td key={s.key} className="numeric">
                        {point[s.key] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

function formatTick(value: number, bucket: TimeSeriesChartProps['bucket']): string {
  const date = new Date(value);
  if (bucket === 'day') return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
}

function formatTooltip(value: number, bucket: TimeSeriesChartProps['bucket']): string {
  const date = new Date(value);
  if (bucket === 'day') return date.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}
