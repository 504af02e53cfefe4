import { checkSameOrigin, crossSiteResponse } from '../../../../lib/same-origin';
import { endSession, redirect } from '../../../../lib/session';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * Sign out from the page's button (a form POST): revokes the session, clears the cookie and
 * returns to sign-in. A cross-site post gets 403.
 */
export async function POST(request: Request): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  return endSession(request, redirect('/sign-in?signed-out=1'));
}
