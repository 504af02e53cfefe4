import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { NavLinks } from '../components/nav-links';
import { SESSION_COOKIE } from '../lib/auth';
import { getConfig } from '../lib/access';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Hookgate', template: '%s · Hookgate' },
  description: 'Webhook deliveries received by this Hookgate gateway.',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  colorScheme: 'light dark',
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#111827' },
    { media: '(prefers-color-scheme: dark)', color: '#010409' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read on every request, token or not: that keeps every page (the 404 page too) rendered per
  // request, so Next.js can put the request's CSP nonce on its scripts.
  const cookieStore = await cookies();
  const signedIn = getConfig().dashboardToken !== undefined && cookieStore.has(SESSION_COOKIE);
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="topbar-inner">
            <a className="brand" href="/">
              <span className="brand-mark" aria-hidden="true">
                H
              </span>
              Hookgate
            </a>
            <nav className="nav" aria-label="Main">
              <NavLinks />
            </nav>
            <div className="topbar-end">
              {signedIn ? (
                <form action="/api/session/sign-out" method="post">
                  <button className="button button-small" type="submit">
                    Sign out
                  </button>
                </form>
              ) : null}
            </div>
          </div>
        </header>
        <main id="main" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
