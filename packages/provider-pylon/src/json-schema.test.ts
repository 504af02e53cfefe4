import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pylonJsonSchemas } from './json-schema.js';

describe('JSON Schema', () => {
  const schemas = pylonJsonSchemas();

  it.each(Object.keys(schemas))('schema/%s.json matches the zod schemas (run `pnpm generate:schema` after changing them)', (name) => {
    const checkedIn: unknown = JSON.parse(readFileSync(new URL(`../schema/${name}.json`, import.meta.url), 'utf8'));
    expect(checkedIn).toEqual(schemas[name as keyof typeof schemas]);
  });

  it('describes the wire format: required fields, aliases, one-of-two keys, extra keys allowed', () => {
    expect([...(schemas.IssueNewEvent.required ?? [])].sort()).toEqual(['event_type', 'issue_id', 'issue_title']);
    expect(schemas.IssueNewEvent.additionalProperties).toEqual({});
    expect(schemas.IssueAssignedEvent).toMatchObject({
      anyOf: [{ required: ['issue_assignee_id'] }, { required: ['assignee_id'] }],
    });
    expect(schemas.IssueStateChangedEvent).toMatchObject({
      properties: { event_type: { enum: ['issue_status_changed', 'issue_state_changed'] } },
    });
    expect([...(schemas.MessageNewEvent.required ?? [])].sort()).toEqual(['event_type', 'issue_id', 'message_id']);
  });
});
