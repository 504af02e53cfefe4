import { z } from 'zod';
import { WebhooksBEvent, webhooksBEvents } from './schemas.js';

/**
 * The JSON Schema (draft 2020-12) of a whole Webhooks B body — a `oneOf` of the three events,
 * each a `oneOf` of its variants under `$defs` — generated from the zod schemas. The checked-in
 * copy is `schema/webhooks-b.json` (`pnpm --filter @hookgate/provider-webhooks-b generate:schema`).
 *
 * @example
 * ```ts
 * import { webhooksBJsonSchema } from '@hookgate/provider-webhooks-b';
 * console.log(Object.keys(webhooksBJsonSchema().$defs ?? {})); // ['userNotificationEvent', …, 'UserActionNotificationEvent', …]
 * ```
 */
export function webhooksBJsonSchema(): z.core.JSONSchema.BaseSchema {
  // A local registry names the `$defs` without touching zod's global one (ids there must be unique per process).
  const registry = z.registry<{ id: string; title?: string; description?: string }>();
  for (const [event, group] of Object.entries(webhooksBEvents)) {
    registry.add(group.schema, { id: event, description: group.description });
    for (const [name, variant] of Object.entries(group.variants)) {
      registry.add(variant.schema, { id: name, title: name, description: `Requires the string property \`${variant.key}\`.` });
    }
  }
  return {
    ...z.toJSONSchema(WebhooksBEvent, { metadata: registry, target: 'draft-2020-12' }),
    $id: 'https://hookgate.dev/schema/webhooks-b.json',
    title: 'Webhooks B delivery body',
  };
}
