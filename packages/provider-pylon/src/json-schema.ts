import { z } from 'zod';
import { IssueAssignedEvent, IssueStateChangedEvent, pylonEvents, type PylonEventName } from './schemas.js';

/**
 * JSON Schema (draft 2020-12) of each Pylon event **as sent on the wire** (zod's input side:
 * `issue_number` may be a string of digits; the normalised `assignee_id`/`state` are not
 * required), generated from the zod schemas. Checked-in copies: `schema/<EventName>.json`
 * (`pnpm --filter @hookgate/provider-pylon generate:schema`).
 *
 * @example
 * ```ts
 * import { pylonJsonSchemas } from '@hookgate/provider-pylon';
 * pylonJsonSchemas().IssueNewEvent.required; // ['issue_title', 'event_type', 'issue_id']
 * ```
 */
export function pylonJsonSchemas(): Record<PylonEventName, z.core.JSONSchema.BaseSchema> {
  // "One of two keys" lives in a zod refinement, which JSON Schema cannot see: state it here.
  const registry = z.registry<{ anyOf?: Array<{ required: string[] }> }>();
  registry.add(IssueAssignedEvent.in, { anyOf: [{ required: ['issue_assignee_id'] }, { required: ['assignee_id'] }] });
  registry.add(IssueStateChangedEvent.in, { anyOf: [{ required: ['issue_status'] }, { required: ['issue_state'] }] });
  const schemas = {} as Record<PylonEventName, z.core.JSONSchema.BaseSchema>;
  for (const [name, schema] of Object.entries(pylonEvents) as Array<[PylonEventName, z.ZodType]>) {
    schemas[name] = {
      ...z.toJSONSchema(schema, { io: 'input', metadata: registry, target: 'draft-2020-12' }),
      $id: `https://hookgate.dev/schema/pylon/${name}.json`,
      title: name,
    };
  }
  return schemas;
}
