'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';

type Phase = { kind: 'idle' } | { kind: 'confirm'; count: number; more: boolean } | { kind: 'busy' } | { kind: 'done'; text: string; failed: boolean };

async function postJson(url: string, body?: unknown): Promise<{ status: number; data: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, data: (await response.json()) as Record<string, unknown> };
}

/**
 * "Replay" on a delivery page: asks once, then runs the listeners again for this delivery
 * (`POST /api/deliveries/:id/replay`) and refreshes the page so the new attempt shows.
 *
 * @example
 * ```tsx
 * <ReplayDeliveryButton deliveryId={delivery.id} />
 * ```
 */
export function ReplayDeliveryButton({ deliveryId }: { deliveryId: string }) {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  async function replay() {
    setPhase({ kind: 'busy' });
    try {
      const { data } = await postJson(`/api/deliveries/${deliveryId}/replay`);
      const ok = data.ok === true;
      setPhase({
        kind: 'done',
        failed: !ok,
        text: ok ? `Replayed as attempt #${String(data.attempt)}: ${String(data.status)}.` : `Not replayed: ${String(data.message ?? data.reason)}.`,
      });
      router.refresh();
    } catch (error) {
      setPhase({ kind: 'done', failed: true, text: `Replay failed: ${(error as Error).message}` });
    }
  }
  return (
    <ReplayStep
      testId="replay-one"
      phase={phase}
      question="Run the listeners again for this delivery?"
      confirmLabel="Replay now"
      onConfirm={replay}
      startLabel="Replay…"
      busyLabel="Replaying…"
      onStart={() => setPhase({ kind: 'confirm', count: 1, more: false })}
      onCancel={() => setPhase({ kind: 'idle' })}
    />
  );
}

/**
 * "Replay matching…" on the deliveries list: counts the replayable deliveries the current
 * filters match (`GET /api/deliveries/replay?…`), asks with that count, then replays them
 * (`POST /api/deliveries/replay`, refused if more match by then) and refreshes the list.
 *
 * @example
 * ```tsx
 * <ReplayMatchingButton query="status=dead&provider=pylon" />
 * ```
 */
export function ReplayMatchingButton({ query }: { query: string }) {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  async function count() {
    setPhase({ kind: 'busy' });
    try {
      const response = await fetch(`/api/deliveries/replay${query ? `?${query}` : ''}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
      const data = (await response.json()) as { count?: number; more?: boolean; message?: string };
      if (!response.ok || typeof data.count !== 'number') throw new Error(data.message ?? `HTTP ${response.status}`);
      if (data.count === 0)
        setPhase({ kind: 'done', failed: false, text: 'Nothing to replay: no handled, handler-error or dead delivery matches these filters.' });
      else setPhase({ kind: 'confirm', count: data.count, more: data.more === true });
    } catch (error) {
      setPhase({ kind: 'done', failed: true, text: `Could not count: ${(error as Error).message}` });
    }
  }
  async function replay(expected: number) {
    setPhase({ kind: 'busy' });
    try {
      const { status, data } = await postJson('/api/deliveries/replay', { query, expected });
      if (status !== 200) throw new Error(String(data.message ?? `HTTP ${status}`));
      const failed = Number(data.failed);
      setPhase({
        kind: 'done',
        failed: failed > 0,
        text: `Replayed ${String(data.replayed)} ${data.replayed === 1 ? 'delivery' : 'deliveries'}${failed > 0 ? `, ${failed} failed` : ''}${data.truncated ? '; more match: replay again to continue' : ''}.`,
      });
      router.refresh();
    } catch (error) {
      setPhase({ kind: 'done', failed: true, text: `Replay refused: ${(error as Error).message}` });
    }
  }
  const noun = (count: number) => `${count} ${count === 1 ? 'delivery' : 'deliveries'}`;
  return (
    <ReplayStep
      testId="replay-matching"
      phase={phase}
      question={
        phase.kind === 'confirm'
          ? `Replay ${noun(phase.count)} matching these filters${phase.more ? ` (the newest ${phase.count}; more match)` : ''}? Their listeners run again.`
          : ''
      }
      confirmLabel={phase.kind === 'confirm' ? `Replay ${noun(phase.count)}` : ''}
      onConfirm={() => phase.kind === 'confirm' && replay(phase.count)}
      startLabel="Replay matching…"
      busyLabel="Working…"
      onStart={count}
      onCancel={() => setPhase({ kind: 'idle' })}
    />
  );
}

interface ReplayStepProps {
  testId: string;
  phase: Phase;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  startLabel: string;
  busyLabel: string;
  onStart: () => void;
  onCancel: () => void;
}

/**
 * The two steps both replay controls share: a start button, then the question with Confirm and
 * Cancel; the outcome in a status line. Keyboard focus follows the step (WCAG 2.4.3): to the
 * confirm button when the question appears, back to the start button after Cancel or a result.
 * A busy button is `aria-disabled` rather than `disabled`, so it keeps the focus meanwhile.
 */
function ReplayStep({ testId, phase, question, confirmLabel, onConfirm, startLabel, busyLabel, onStart, onCancel }: ReplayStepProps) {
  const startRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  /** Set by the user's first action: focus is never moved on first render. */
  const acted = useRef(false);
  useEffect(() => {
    if (!acted.current) return;
    (phase.kind === 'confirm' ? confirmRef : startRef).current?.focus();
  }, [phase.kind]);
  const act = (action: () => void) => () => {
    acted.current = true;
    action();
  };
  const busy = phase.kind === 'busy';
  return (
    <div className="replay" data-testid={testId}>
      {phase.kind === 'confirm' ? (
        <>
          <span>{question}</span>
          <button ref={confirmRef} type="button" className="button button-primary button-small" onClick={act(onConfirm)}>
            {confirmLabel}
          </button>
          <button type="button" className="button button-small" onClick={act(onCancel)}>
            Cancel
          </button>
        </>
      ) : (
        <button ref={startRef} type="button" className="button button-small" aria-disabled={busy} onClick={busy ? undefined : act(onStart)}>
          {busy ? busyLabel : startLabel}
        </button>
      )}
      {/* aria-live, not role=status: the list's live indicator is the page's status. */}
      <span aria-live="polite" data-testid="replay-result" className={phase.kind === 'done' && phase.failed ? 'replay-failed' : 'muted'}>
        {phase.kind === 'done' ? phase.text : ''}
      </span>
    </div>
  );
}
