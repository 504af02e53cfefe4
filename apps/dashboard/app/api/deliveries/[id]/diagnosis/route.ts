import { z } from 'zod';
import { jsonError, readApi } from '../../../../../lib/api';
import { isDeliveryId } from '../../../../../lib/delivery-id';
import { diagnoseDelivery, MAX_RETIRED_SECRETS, MAX_SECRET_LENGTH, MAX_SIGNATURE_LENGTH } from '../../../../../lib/diagnosis';
import { getRuntime } from '../../../../../lib/runtime';
import { checkSameOrigin, crossSiteResponse } from '../../../../../lib/same-origin';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const inputSchema = z.object({
  signature: z.string().max(MAX_SIGNATURE_LENGTH).optional(),
  retiredSecrets: z.array(z.string().max(MAX_SECRET_LENGTH)).max(MAX_RETIRED_SECRETS).optional(),
});

/**
 * `POST /api/deliveries/:id/diagnosis` with JSON `{ signature?, retiredSecrets? }` → the
 * verification debugger's findings for that delivery (`{ kind: 'diagnosis', … }`). A POST so
 * that retired secrets never sit in a URL or a log; same-origin and access rules as every API
 * route. Nothing sent is stored or logged.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const refusal = checkSameOrigin(request);
  if (refusal) return crossSiteResponse(refusal);
  const { id } = await context.params;
  return readApi(request, async (store) => {
    let input: z.infer<typeof inputSchema>;
    try {
      const parsed = inputSchema.safeParse(await request.json());
      if (!parsed.success) {
        return jsonError(
          400,
          'invalid_request',
          `Send JSON { "signature"?: string ≤ ${MAX_SIGNATURE_LENGTH} characters, "retiredSecrets"?: up to ${MAX_RETIRED_SECRETS} strings }.`,
        );
      }
      input = parsed.data;
    } catch {
      return jsonError(400, 'invalid_request', 'The body is not JSON.');
    }
    const delivery = isDeliveryId(id) ? await store.get(id) : null;
    if (!delivery) return null;
    const { secrets } = await getRuntime();
    return diagnoseDelivery(delivery, secrets, input);
  });
}
