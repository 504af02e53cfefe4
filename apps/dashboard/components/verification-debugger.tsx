'use client';

import { useId, useRef, useState, type FormEvent } from 'react';
import type { DiagnosisFinding } from '@hookgate/core';
import type { DeliveryDiagnosis } from '../lib/diagnosis';

export interface VerificationDebuggerProps {
  deliveryId: string;
  /** What the server found without the signature (the store redacts it). */
  initial: DeliveryDiagnosis;
}

/**
 * The verification debugger on a rejected delivery's page: the findings the server could make
 * from what was stored, and a form to add the signature the sender sent (stores redact it) and
 * secrets that were retired, posted to `POST /api/deliveries/:id/diagnosis`. What is typed is
 * sent once and kept nowhere; the answer never contains a secret or an expected digest.
 *
 * @example
 * ```tsx
 * <VerificationDebugger deliveryId={delivery.id} initial={await diagnoseDelivery(delivery, secrets)} />
 * ```
 */
export function VerificationDebugger({ deliveryId, initial }: VerificationDebuggerProps) {
  const [result, setResult] = useState<DeliveryDiagnosis>(initial);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const signatureId = useId();
  const retiredId = useId();
  const header = initial.kind === 'diagnosis' ? initial.signatureHeader : 'signature';

  /** A check in flight: the button stays focusable (aria-disabled), so a second press is ignored here. */
  const checking = useRef(false);

  async function check(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (checking.current) return;
    checking.current = true;
    const form = new FormData(event.currentTarget);
    const retiredSecrets = String(form.get('retired') ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    setPending(true);
    setError(null);
    try {
      const response = await fetch(`/api/deliveries/${deliveryId}/diagnosis`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ signature: String(form.get('signature') ?? ''), retiredSecrets }),
      });
      const answer = (await response.json()) as DeliveryDiagnosis | { message?: string };
      if (!response.ok || !('kind' in answer)) throw new Error('message' in answer && answer.message ? answer.message : `HTTP ${response.status}`);
      setResult(answer);
    } catch (failure) {
      setError(`The check failed: ${(failure as Error).message}`);
    } finally {
      checking.current = false;
      setPending(false);
    }
  }

  return (
    <div className="card-body debugger">
      <div aria-live="polite" data-testid="diagnosis">
        {result.kind === 'unavailable' ? (
          <p className="muted">{result.message}</p>
        ) : (
          <>
            {result.bodyTruncated ? (
              <p className="notice notice-warning">The stored body was cut at the store limit, so signature checks over it cannot match.</p>
            ) : null}
            <ol className="findings">
              {result.diagnosis.findings.map((finding, index) => (
                <Finding key={`${finding.code}-${index}`} finding={finding} />
              ))}
              {result.diagnosis.findings.length === 0 ? <li className="muted">No explanation found from what was stored.</li> : null}
            </ol>
          </>
        )}
      </div>
      {initial.kind === 'diagnosis' ? (
        <form className="debugger-form" onSubmit={check} aria-label="Check the signature">
          <div className="field">
            <label htmlFor={signatureId}>{header} as the sender sent it</label>
            <input id={signatureId} name="signature" autoComplete="off" spellCheck={false} placeholder="from the sender's delivery log" />
          </div>
          <div className="field">
            <label htmlFor={retiredId}>Retired secrets, one per line (optional; sent once, never stored)</label>
            <textarea id={retiredId} name="retired" rows={2} autoComplete="off" spellCheck={false} />
          </div>
          <div>
            {/* aria-disabled, not disabled: a disabled button drops the keyboard focus to the page. */}
            <button type="submit" className="button button-primary" aria-disabled={pending}>
              {pending ? 'Checking…' : 'Check signature'}
            </button>
          </div>
          {error ? (
            <p className="notice notice-danger" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}

function Finding({ finding }: { finding: DiagnosisFinding }) {
  return (
    <li className="finding" data-code={finding.code}>
      <p className="finding-problem">{finding.problem}</p>
      <p className="finding-fix">
        <strong>Fix:</strong> {finding.fix}
      </p>
    </li>
  );
}
