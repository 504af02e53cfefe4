import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { listSummaries, REDACTED, REPLAYABLE_STATUSES, type DeliveryAttempt, type DeliverySummary } from '@hookgate/core';
import { Card } from '../../../components/card';
import { CopyButton } from '../../../components/copy-button';
import { ReplayDeliveryButton } from '../../../components/replay-controls';
import { VerificationDebugger } from '../../../components/verification-debugger';
import { eventLabel } from '../../../components/deliveries-table';
import { JsonViewBlock } from '../../../components/json-view-block';
import { LiveRefresh } from '../../../components/live-refresh';
import { LocalTime } from '../../../components/local-time';
import { ProviderTag, StatusBadge } from '../../../components/status-badge';
import { VISIBLE_NAME_MAX, VisibleText } from '../../../components/visible-text';
import { requirePageAccess } from '../../../lib/access';
import { isDeliveryId } from '../../../lib/delivery-id';
import { formatDuration } from '../../../lib/format';
import { viewJsonText, viewJsonValue, viewRawText } from '../../../lib/json-view';
import { diagnoseDelivery } from '../../../lib/diagnosis';
import { getRuntime } from '../../../lib/runtime';
import { noDedupeKeyReason, providerAnswer, relatedDeliveryLabel, signatureFact } from '../../../lib/delivery-facts';
import { STATUS_INFO } from '../../../lib/status';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Delivery ${id.slice(0, 8)}…` };
}

export default async function DeliveryPage({ params }: Props) {
  const { id } = await params;
  await requirePageAccess(`/deliveries/${encodeURIComponent(id)}`);
  const { store, secrets } = await getRuntime();
  const delivery = isDeliveryId(id) ? await store.get(id) : null;
  if (!delivery) notFound();

  // Duplicates point at the first delivery of their dedupe key; the key is searchable.
  const [duplicates, original, attempts] = await Promise.all([
    delivery.dedupeKey && delivery.status !== 'duplicate' && delivery.status !== 'in_progress'
      ? listSummaries(store, { provider: delivery.provider, status: ['duplicate', 'in_progress'], q: delivery.dedupeKey, limit: 100 }).then((page) =>
          page.items.filter((item) => item.duplicateOf === delivery.id),
        )
      : Promise.resolve([] as DeliverySummary[]),
    delivery.duplicateOf ? store.get(delivery.duplicateOf) : Promise.resolve(null),
    // Inbox attempts (worker runs and replays); null for a store without an inbox.
    store.inbox ? store.inbox.attempts(delivery.id) : Promise.resolve(null),
  ]);
  const replayable = attempts !== null && REPLAYABLE_STATUSES.includes(delivery.status);

  // Only rejected signatures get the debugger; what it finds without the signature is rendered at once.
  const diagnosis = delivery.status === 'rejected_signature' ? await diagnoseDelivery(delivery, secrets) : null;
  const info = STATUS_INFO[delivery.status];
  const answer = providerAnswer(delivery, attempts);
  // A worker still changes it: the page follows it live until the status is final.
  const pending = attempts !== null && (delivery.status === 'queued' || delivery.status === 'retrying');
  const signature = signatureFact(delivery);
  // Bounded: a hostile body (deep or large) must not turn into megabytes of HTML.
  const body = delivery.bodyEncoding === 'utf8' ? viewJsonText(delivery.body) : viewRawText(delivery.body, 'binary');
  const downloadHref = `/api/deliveries/${delivery.id}/body`;
  const headerNames = Object.keys(delivery.headers).sort();

  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link href="/deliveries">Deliveries</Link>
          </li>
          <li aria-current="page" className="mono">
            {delivery.id}
          </li>
        </ol>
      </nav>
      <div className="page-header">
        <div>
          <h1>
            <VisibleText text={eventLabel(delivery)} max={VISIBLE_NAME_MAX} />
            {delivery.variant && delivery.variant !== delivery.event ? (
              <span className="muted">
                {' '}
                · <VisibleText text={delivery.variant} max={VISIBLE_NAME_MAX} />
              </span>
            ) : null}
          </h1>
          <p>
            <StatusBadge status={delivery.status} /> <ProviderTag provider={delivery.provider} /> received <LocalTime iso={delivery.receivedAt} withMs />{' '}
            <LiveRefresh
              active={pending}
              watch={{ id: delivery.id, status: delivery.status, attempts: attempts?.length ?? 0 }}
              label="Updating live until a worker finishes it"
            />
          </p>
        </div>
        <CopyButton text={delivery.id} label="delivery id" />
      </div>

      <div className="stack">
        <div className="grid-2">
          <Card id="summary" title="Summary">
            <div className="card-body">
              <dl className="kv">
                <dt>Delivery id</dt>
                <dd className="mono">{delivery.id}</dd>
                <dt>Request</dt>
                <dd className="mono">
                  {delivery.method} {delivery.path ?? <span className="muted">(path not recorded)</span>}
                </dd>
                <dt>Event</dt>
                <dd>{delivery.event !== null ? <VisibleText text={delivery.event} /> : <span className="muted">none recognised</span>}</dd>
                <dt>Variant</dt>
                <dd>{delivery.variant !== null ? <VisibleText text={delivery.variant} /> : <span className="muted">—</span>}</dd>
                <dt>Duration</dt>
                <dd>{formatDuration(delivery.durationMs)}</dd>
                <dt>Dedupe key</dt>
                <dd className="mono" data-testid="dedupe-key">
                  {delivery.dedupeKey !== null ? <VisibleText text={delivery.dedupeKey} /> : <span className="muted">{noDedupeKeyReason(delivery)}</span>}
                </dd>
                {delivery.duplicateOf ? (
                  <>
                    <dt>{relatedDeliveryLabel(delivery.status)}</dt>
                    <dd>
                      <Link className="mono" href={`/deliveries/${delivery.duplicateOf}`}>
                        {delivery.duplicateOf}
                      </Link>
                      {original ? null : <span className="muted"> (no longer stored)</span>}
                    </dd>
                  </>
                ) : null}
              </dl>
            </div>
          </Card>

          <Card id="outcome" title="Verification and outcome">
            <div className="card-body">
              <dl className="kv">
                <dt>Signature</dt>
                <dd data-testid="verification">
                  {signature.kind === 'rejected' ? (
                    <>
                      <strong>Rejected</strong> — <span className="reason">{signature.reason}</span>
                    </>
                  ) : signature.kind === 'verified' ? (
                    <>
                      <strong>Verified</strong> with secret #{signature.secretIndex}
                      {signature.secretIndex === 0 ? ' (the first configured)' : ' (an older secret still accepted during rotation)'}
                    </>
                  ) : (
                    <span className="muted">Not recorded (it failed before the result was kept)</span>
                  )}
                </dd>
                <dt>Answered</dt>
                <dd data-testid="answered">
                  {answer.kind === 'queued' ? (
                    <>
                      HTTP 202 <span className="reason">queued</span>
                      <div className="muted">Inbox mode: answered at once; a worker runs the listeners afterwards (outcome below).</div>
                    </>
                  ) : answer.kind === 'replayed' ? (
                    <>
                      HTTP 200, or 500 if the listeners had failed
                      <div className="muted">Replayed since; which of the two the sender got is not recorded.</div>
                    </>
                  ) : (
                    <>HTTP {answer.http}</>
                  )}
                </dd>
                <dt>{answer.kind === 'queued' ? 'Processing' : 'Outcome'}</dt>
                <dd data-testid="outcome">
                  <StatusBadge status={delivery.status} />
                  {answer.kind === 'queued' && attempts !== null && attempts.length > 0
                    ? ` after ${attempts.length} ${attempts.length === 1 ? 'attempt' : 'attempts'}`
                    : null}
                  <div className="muted">{info.description}</div>
                </dd>
                <dt>Reason</dt>
                <dd data-testid="reason">{delivery.reason ? <span className="reason">{delivery.reason}</span> : <span className="muted">—</span>}</dd>
                {delivery.message ? (
                  <>
                    <dt>{delivery.status === 'handler_error' ? 'Handler error' : 'Detail'}</dt>
                    <dd data-testid="message">
                      <VisibleText text={delivery.message} max={4000} />
                    </dd>
                  </>
                ) : null}
              </dl>
            </div>
          </Card>
        </div>

        {attempts !== null ? (
          <Card id="attempts" title="Attempts" aside={replayable ? <ReplayDeliveryButton deliveryId={delivery.id} /> : null}>
            <div className="card-body">
              {attempts.length === 0 ? (
                <p className="muted" style={{ margin: 0 }}>
                  {delivery.status === 'queued'
                    ? 'Queued: no attempt yet (a worker picks it up).'
                    : 'No attempts recorded: the listeners ran inline, while the request was answered.'}
                </p>
              ) : (
                <ol className="attempts" data-testid="attempts">
                  {attempts.map((attempt) => (
                    <AttemptItem key={attempt.id} attempt={attempt} />
                  ))}
                </ol>
              )}
            </div>
          </Card>
        ) : null}

        {diagnosis ? (
          <Card
            id="debugger"
            title="Why verification failed"
            aside={<span className="muted">Re-checked against the secrets configured now, at the time it was received.</span>}
          >
            <VerificationDebugger deliveryId={delivery.id} initial={diagnosis} />
          </Card>
        ) : null}

        <Card id="headers" title="Headers" aside={<span className="muted">Signature and credential headers are redacted before they are stored.</span>}>
          <div className="table-wrap">
            <table className="data" data-testid="headers">
              <caption className="visually-hidden">Request headers</caption>
              <thead>
                <tr>
                  <th scope="col" style={{ width: '30%' }}>
                    Name
                  </th>
                  <th scope="col">Value</th>
                </tr>
              </thead>
              <tbody>
                {headerNames.map((name) => (
                  <tr key={name}>
                    <td className="mono nowrap">{name}</td>
                    <td className="mono">
                      {delivery.headers[name] === REDACTED ? (
                        <span className="redacted">{REDACTED}</span>
                      ) : (
                        <VisibleText text={delivery.headers[name] ?? ''} max={4000} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>

        <div className="grid-2">
          <Card
            id="body"
            title="Raw body"
            aside={
              <span className="muted">
                {body.kind === 'pretty' ? 'JSON, pretty-printed' : delivery.bodyEncoding === 'base64' ? 'Base64' : 'Text'}
                {delivery.bodyTruncated ? ' · cut at the store limit' : ''}
                {delivery.body.length > 0 ? (
                  <>
                    {' · '}
                    <a href={downloadHref} download>
                      Download
                    </a>
                  </>
                ) : null}
              </span>
            }
          >
            <div className="card-body" data-testid="body">
              {delivery.body.length === 0 ? <p className="muted">Empty body.</p> : <JsonViewBlock view={body} label="raw body" downloadHref={downloadHref} />}
            </div>
          </Card>
          <Card
            id="payload"
            title="Parsed payload"
            aside={<span className="muted">{delivery.payload === null ? '' : 'Validated against the event schema'}</span>}
          >
            <div className="card-body" data-testid="payload">
              {delivery.payload === null ? (
                <p className="muted">
                  Not parsed:{' '}
                  {delivery.status === 'rejected_signature' ? 'bodies are only parsed after the signature verifies.' : `${delivery.reason ?? 'no payload'}.`}
                </p>
              ) : (
                <JsonViewBlock view={viewJsonValue(delivery.payload)} label="parsed payload" downloadHref={downloadHref} />
              )}
            </div>
          </Card>
        </div>

        {delivery.status !== 'duplicate' && delivery.status !== 'in_progress' ? (
          <Card
            id="duplicates"
            title="Duplicates"
            aside={<span className="muted">Same dedupe key: 200 duplicate once handled, 409 in progress while it was processing; never dispatched again.</span>}
          >
            {duplicates.length === 0 ? (
              <p className="card-body muted" style={{ margin: 0 }}>
                {delivery.dedupeKey
                  ? 'No copies of this delivery were received.'
                  : `No dedupe key (${noDedupeKeyReason(delivery).replace(/^none: /, '')}), so copies cannot be matched.`}
              </p>
            ) : (
              <ul className="card-body" style={{ margin: 0, paddingLeft: '2.2rem' }}>
                {duplicates.map((duplicate) => (
                  <li key={duplicate.id}>
                    <Link className="mono" href={`/deliveries/${duplicate.id}`}>
                      {duplicate.id}
                    </Link>{' '}
                    <StatusBadge status={duplicate.status} />{' '}
                    <span className="muted">
                      received <LocalTime iso={duplicate.receivedAt} withMs />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        ) : null}
      </div>
    </>
  );
}

function AttemptItem({ attempt }: { attempt: DeliveryAttempt }) {
  return (
    <li className={`attempt${attempt.error === null ? '' : ' attempt-failed'}`} data-attempt={attempt.attempt}>
      <strong>#{attempt.attempt}</strong>
      <span>{attempt.error === null ? 'succeeded' : 'failed'}</span>
      <span className="muted">
        {attempt.trigger === 'replay' ? `replay asked by ${attempt.requestedBy ?? 'someone'}` : `worker ${attempt.requestedBy ?? ''}`.trim()}
      </span>
      <span className="muted">
        <LocalTime iso={attempt.startedAt} withMs /> · {formatDuration(attempt.durationMs)}
      </span>
      {attempt.error === null ? null : <span className="attempt-error">{attempt.error}</span>}
    </li>
  );
}
