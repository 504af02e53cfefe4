import { z } from 'zod';

/**
 * The payload shape the Standard Webhooks spec recommends: `type` (the event name, required here
 * because it names the event), `timestamp` (ISO 8601) and `data`. Other keys are kept.
 *
 * @example
 * ```ts
 * const result = standardWebhookEventSchema.safeParse({ type: 'user.created', timestamp: '2024-11-25T16:00:00Z', data: { id: 'u_1' } });
 * ```
 */
export const standardWebhookEventSchema = z.looseObject({
  type: z.string().min(1),
  timestamp: z.string().optional(),
  data: z.unknown().optional(),
});

/** An event as {@link standardWebhookEventSchema} checks it: any `type`, untyped `data`. */
export type StandardWebhookEvent = z.output<typeof standardWebhookEventSchema>;
