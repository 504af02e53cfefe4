'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview', match: (path: string) => path === '/' },
  { href: '/deliveries', label: 'Deliveries', match: (path: string) => path.startsWith('/deliveries') },
];

/**
 * The main navigation; marks the current section with `aria-current`.
 *
 * @example
 * ```tsx
 * <nav aria-label="Main"><NavLinks /></nav>
 * ```
 */
export function NavLinks() {
  const pathname = usePathname();
  return LINKS.map((link) => (
    <Link key={link.href} href={link.href} aria-current={link.match(pathname) ? 'page' : undefined}>
      {link.label}
    </Link>
  ));
}
