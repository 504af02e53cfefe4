import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { webhooksBJsonSchema } from './json-schema.js';

describe('JSON Schema', () => {
  it('schema/webhooks-b.json matches the zod schemas (run `pnpm generate:schema` after changing them)', () => {
    const checkedIn: unknown = JSON.parse(readFileSync(new URL('../schema/webhooks-b.json', import.meta.url), 'utf8'));
    expect(checkedIn).toEqual(webhooksBJsonSchema());
  });

  it('is a oneOf of three events, each a oneOf of three variants requiring one string and allowing extra keys', () => {
    const schema = webhooksBJsonSchema() as {
      oneOf: Array<{ $ref: string }>;
      $defs: Record<string, { oneOf?: Array<{ $ref: string }>; required?: string[]; additionalProperties?: unknown; properties?: object }>;
    };
    expect(schema.oneOf.map((ref) => ref.$ref)).toEqual(['#/$defs/userNotificationEvent', '#/$defs/systemNotificationEvent', '#/$defs/inventoryChangeEvent']);
    expect(schema.$defs.userNotificationEvent?.oneOf).toHaveLength(3);
    expect(schema.$defs.UserActionNotificationEvent).toMatchObject({
      type: 'object',
      properties: { userActionNotificationEventType: { type: 'string' } },
      required: ['userActionNotificationEventType'],
      additionalProperties: {},
    });
  });
});
