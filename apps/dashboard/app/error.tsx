'use client';

import { useEffect } from 'react';

/** Shown when a page cannot render, typically because the delivery store is unreachable. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.warn('Hookgate dashboard page failed:', error.digest ?? error.message);
  }, [error]);
  return (
    <section className="card">
      <div className="empty">
        <h2>Could not load this page</h2>
        <p>The delivery store may be unavailable. Check the server log (it names the store URL), then try again.</p>
        <p>
          <button type="button" className="button button-primary" onClick={reset}>
            Try again
          </button>
        </p>
      </div>
    </section>
  );
}
