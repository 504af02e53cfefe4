import { expect } from '@playwright/test';
import { rawRequest } from './http';

/**
 * Asserts the answers a dashboard must give to hostile filters and paths, whatever its store:
 * 400 naming the bad filter, 404 for ids and paths that cannot exist, never a stack trace.
 *
 * @example
 * ```ts
 * await expectMalformedInputRefused(serverUrl('openUrl'));
 * ```
 */
export async function expectMalformedInputRefused(base: string): Promise<void> {
  for (const name of ['q', 'provider', 'event']) {
    const response = await rawRequest(`${base}/api/deliveries?${name}=a%00b`);
    expect(response.status, name).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_query', issues: [`${name}: must not contain control characters (such as NUL)`] });
  }
  const page = await rawRequest(`${base}/deliveries?q=a%00b&event=x%00`);
  expect(page.status).toBe(200);
  expect(page.body).toContain('must not contain control characters');
  for (const [method, path] of [
    ['POST', '/api/webhooks/%ZZ'],
    ['GET', '/api/deliveries/%ZZ'],
    ['GET', '/deliveries/%ZZ'],
    ['GET', '/deliveries/%E0%A4%A'],
    ['GET', '/api/deliveries/------------------------------------'],
    ['GET', '/deliveries/------------------------------------'],
  ] as const) {
    const response = await rawRequest(`${base}${path}`, { method, body: method === 'POST' ? '{}' : undefined });
    expect(response.status, path).toBe(404);
    expect(response.body, path).not.toMatch(/\n\s+at /);
  }
}
