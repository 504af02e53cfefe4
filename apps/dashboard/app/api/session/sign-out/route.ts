import { checkSameOrigin, crossSiteResponse } from '../../../../lib/same-origin';
import { redirect, sessionCookie } from '../../../../lib/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Sign out from the page's button (a form POST): clears the cookie and returns to sign-in. A cross-site post gets 403. */
export async function POST(request: Request): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  const response = redirect('/sign-in?signed-out=1');
  response.headers.append('set-cookie', sessionCookie(request, '', 0));
  return response;
}
