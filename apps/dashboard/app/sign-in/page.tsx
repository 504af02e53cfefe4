import type { Metadata } from 'next';
import { safeNextPath } from '../../lib/auth';
import { getConfig } from '../../lib/access';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

type SearchParams = Record<string, string | string[] | undefined>;

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === 'string' ? params.next : '/');
  const tokenConfigured = getConfig().dashboardToken !== undefined;
  return (
    <section className="card sign-in" aria-labelledby="sign-in-title">
      <div className="card-header">
        <h1 id="sign-in-title" style={{ fontSize: '1.15rem' }}>
          Sign in to Hookgate
        </h1>
      </div>
      <div className="card-body">
        {!tokenConfigured ? (
          <p>
            No <code>HOOKGATE_DASHBOARD_TOKEN</code> is configured: the dashboard is open to this machine (loopback) without signing in.{' '}
            <a href="/">Go to the overview</a>.
          </p>
        ) : (
          <form action="/api/session" method="post">
            <p className="muted" style={{ margin: 0 }}>
              Enter the dashboard token (<code>HOOKGATE_DASHBOARD_TOKEN</code>) the server was started with.
            </p>
            {params.error === 'invalid' ? (
              <div className="notice notice-danger" role="alert">
                That token is not correct.
              </div>
            ) : null}
            {params.error === 'too-many' ? (
              <div className="notice notice-danger" role="alert">
                Too many wrong tokens from this address. Wait a minute, then try again.
              </div>
            ) : null}
            {params['signed-out'] ? (
              <div className="notice notice-warning" role="status">
                You are signed out.
              </div>
            ) : null}
            <input type="hidden" name="next" value={next} />
            <label className="field">
              Dashboard token
              <input type="password" name="token" autoComplete="current-password" required />
            </label>
            <button type="submit" className="button button-primary" style={{ justifySelf: 'start' }}>
              Sign in
            </button>
          </form>
        )}
      </div>
    </section>
  );
}
