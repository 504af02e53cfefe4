import { createHmac } from 'node:crypto';
import { E2E_TOKEN, serverUrl } from './support/env';
import { rawRequest } from './support/http';
import { expect, test } from './support/test';

// Audit F2 against the `token` server: the session cookie was HMAC(token, constant), the same for
// every sign-in, computable offline, and still valid after sign-out.

test.use({ baseURL: async ({}, use) => use(serverUrl('tokenUrl')) });

const JSON_BODY = { 'content-type': 'application/json' };

async function signIn(base: string): Promise<string> {
  const response = await rawRequest(`${base}/api/session`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ token: E2E_TOKEN }) });
  expect(response.status).toBe(204);
  const cookie = String(response.headers['set-cookie']);
  expect(cookie).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=604800/);
  return /hookgate_session=([^;]*)/.exec(cookie)![1]!;
}

const status = async (url: string, session: string) => (await rawRequest(url, { headers: { cookie: `hookgate_session=${session}` } })).status;

test('each sign-in gets its own session; sign-out revokes it on the server; the old constant cookie is refused', async ({ baseURL }) => {
  const base = baseURL!;
  const first = await signIn(base);
  const second = await signIn(base);
  expect(first).not.toBe(second);
  expect(first).toMatch(/^v2\.\d+\./);
  expect(await status(`${base}/api/deliveries`, first)).toBe(200);
  expect(await status(`${base}/api/deliveries`, second)).toBe(200);

  // DELETE /api/session: that cookie stops working even if the client keeps it.
  const signOut = await rawRequest(`${base}/api/session`, { method: 'DELETE', headers: { cookie: `hookgate_session=${first}` } });
  expect(signOut.status).toBe(204);
  expect(String(signOut.headers['set-cookie'])).toContain('Max-Age=0');
  expect(await status(`${base}/api/deliveries`, first)).toBe(401);
  const page = await rawRequest(`${base}/deliveries`, { headers: { cookie: `hookgate_session=${first}` } });
  expect([page.status, page.headers.location]).toEqual([303, '/sign-in?next=%2Fdeliveries']);
  // Another sign-in's session is untouched.
  expect(await status(`${base}/api/deliveries`, second)).toBe(200);

  // The page's sign-out form revokes too.
  expect((await rawRequest(`${base}/api/session/sign-out`, { method: 'POST', headers: { cookie: `hookgate_session=${second}` } })).status).toBe(303);
  expect(await status(`${base}/api/deliveries`, second)).toBe(401);

  // What the audit computed offline from the token: no longer a session.
  const v1 = createHmac('sha256', E2E_TOKEN).update('hookgate-dashboard-session:v1').digest('base64url');
  expect(await status(`${base}/api/deliveries`, v1)).toBe(401);
  // A session re-dated by the client fails its MAC.
  const [version, issued, id, mac] = (await signIn(base)).split('.') as [string, string, string, string];
  expect(await status(`${base}/api/deliveries`, [version, String(Number(issued) + 86_400), id, mac].join('.'))).toBe(401);
});

test('signing out in the browser ends that session for a copy of its cookie', async ({ page, context, baseURL }) => {
  await page.goto('/sign-in?next=%2Fdeliveries');
  await page.getByLabel('Dashboard token').fill(E2E_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Deliveries', exact: true })).toBeVisible();
  const cookie = (await context.cookies()).find((entry) => entry.name === 'hookgate_session')!;
  expect(await status(`${baseURL}/api/deliveries`, cookie.value)).toBe(200);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed-out=1/);
  expect(await status(`${baseURL}/api/deliveries`, cookie.value)).toBe(401);
  // Put back into the browser, the stolen copy gets the sign-in page, not the dashboard.
  await context.addCookies([cookie]);
  await page.goto('/deliveries');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fdeliveries/);
});
