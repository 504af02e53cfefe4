import { describe, expect, it } from 'vitest';
import { HookgateError } from './errors.js';
import { generateValidatorModule, type JsonSchema, type ValidatorSource } from './validator-codegen.js';

type Validators = Record<string, (value: unknown) => boolean>;

/** Imports generated JavaScript the way a bundle would: as a module, no `new Function` here either. */
async function load(validators: readonly ValidatorSource[]): Promise<Validators> {
  const source = generateValidatorModule({ validators, language: 'js' });
  return (await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`)) as Validators;
}

async function check(schema: JsonSchema): Promise<(value: unknown) => boolean> {
  return (await load([{ name: 'isValid', schema }])).isValid!;
}

/** [schema, values it accepts, values it refuses] */
const CASES: Array<[string, JsonSchema, unknown[], unknown[]]> = [
  ['true', true, [1, 'a', null, {}, []], []],
  ['false', false, [], [1, 'a', null, {}, []]],
  ['{}', {}, [1, 'a', null, {}, []], []],
  ['string', { type: 'string' }, ['', 'a'], [1, null, {}, [], true]],
  ['number (finite)', { type: 'number' }, [0, -1.5, 1e300], ['1', null, Number.POSITIVE_INFINITY, Number.NaN]],
  ['integer', { type: 'integer' }, [0, -3, 1e21, 2.0], [1.5, '1', Number.POSITIVE_INFINITY]],
  ['boolean', { type: 'boolean' }, [true, false], [0, 'true', null]],
  ['null', { type: 'null' }, [null], [0, '', undefined, {}]],
  ['array', { type: 'array' }, [[], [1]], [{}, 'a', null]],
  ['object', { type: 'object' }, [{}, { a: 1 }], [[], null, 'a', 1]],
  ['type list', { type: ['string', 'null'] }, ['a', null], [1, {}, []]],
  ['minLength counts code points', { type: 'string', minLength: 2 }, ['ab', '😀😀', 'a😀'], ['', 'a', '😀']],
  ['minLength 1', { type: 'string', minLength: 1 }, ['a', '😀'], ['']],
  ['maxLength counts code points', { type: 'string', maxLength: 2 }, ['', 'ab', '😀😀'], ['abc', '😀😀😀', 'a😀b']],
  ['pattern (unanchored, u flag)', { type: 'string', pattern: 'b.$' }, ['abc', 'b😀'], ['ab', 'bcd']],
  ['pattern with a slash', { type: 'string', pattern: '^a/b$' }, ['a/b'], ['a\\/b', 'ab']],
  ['string keywords ignore other types', { minLength: 3, pattern: '^x' }, ['xyz', 1, null, {}], ['xy', 'abc']],
  ['bounds', { type: 'number', minimum: 1, maximum: 3 }, [1, 2.5, 3], [0.5, 3.5]],
  ['exclusive bounds', { type: 'integer', exclusiveMinimum: 1, exclusiveMaximum: 3 }, [2], [1, 3]],
  ['multipleOf', { type: 'integer', multipleOf: 5 }, [0, 10, -5], [3, 7]],
  ['number keywords ignore other types', { minimum: 10 }, [10, 'a', null], [9]],
  ['enum', { enum: ['a', 1, null, true] }, ['a', 1, null, true], ['b', 2, false, {}]],
  ['const', { const: 'issue_new' }, ['issue_new'], ['issue_new ', null]],
  ['items', { type: 'array', items: { type: 'string' } }, [[], ['a', 'b']], [['a', 1], [null]]],
  ['minItems / maxItems', { type: 'array', minItems: 1, maxItems: 2 }, [[1], [1, 2]], [[], [1, 2, 3]]],
  [
    'properties and required',
    { type: 'object', properties: { id: { type: 'string', minLength: 1 }, n: { type: 'integer' } }, required: ['id'] },
    [{ id: 'a' }, { id: 'a', n: 1, extra: [] }],
    [{}, { id: '' }, { id: 'a', n: 1.5 }, { n: 1 }],
  ],
  ['required without properties', { required: ['a'] }, [{ a: null }, 'not an object', [1]], [{}, { b: 1 }]],
  ['additionalProperties false', { type: 'object', properties: { a: {} }, additionalProperties: false }, [{}, { a: 1 }], [{ b: 1 }, { a: 1, b: 2 }]],
  ['additionalProperties schema', { type: 'object', properties: { a: {} }, additionalProperties: { type: 'number' } }, [{ a: 'x', b: 1 }], [{ b: 'x' }]],
  ['additionalProperties {} (loose)', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: {} }, [{ a: 'x', b: [] }], [{ a: 1 }]],
  ['minProperties / maxProperties', { type: 'object', minProperties: 1, maxProperties: 2 }, [{ a: 1 }, { a: 1, b: 2 }], [{}, { a: 1, b: 2, c: 3 }]],
  [
    'keys that Object.prototype also has count only as own keys',
    { type: 'object', required: ['constructor', 'toString'], properties: { toString: { type: 'string' } } },
    [JSON.parse('{"constructor":1,"toString":"x"}')],
    [{}, JSON.parse('{"constructor":1}'), JSON.parse('{"constructor":1,"toString":2}')],
  ],
  [
    '__proto__ as a declared key (schema from JSON: a literal would set the prototype)',
    JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}') as JsonSchema,
    [JSON.parse('{"__proto__":"x"}')],
    [{}, JSON.parse('{"__proto__":1}')],
  ],
  ['anyOf', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, ['a', 1], [1.5, null]],
  ['allOf', { allOf: [{ type: 'string' }, { minLength: 2 }] }, ['ab'], ['a', 1]],
  ['oneOf: exactly one', { oneOf: [{ type: 'integer' }, { type: 'number', minimum: 2 }] }, [1, 2.5], [2, 'a']],
  ['not', { not: { type: 'string' } }, [1, null], ['a']],
  [
    'anyOf of required keys inside an object schema',
    { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }] },
    [{ a: 'x' }, { b: 1 }],
    [{}, { a: 1 }, { c: 1 }],
  ],
];

describe('generateValidatorModule()', () => {
  it.each(CASES)('%s', async (_, schema, valid, invalid) => {
    const isValid = await check(schema);
    for (const value of valid) expect(isValid(value), `accepts ${JSON.stringify(value)}`).toBe(true);
    for (const value of invalid) expect(isValid(value), `refuses ${JSON.stringify(value)}`).toBe(false);
  });

  it('resolves local $refs against the document, once per target, recursive schemas included', async () => {
    const document: JsonSchema = {
      $defs: {
        Tree: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Tree' } } } },
        'a/b': { type: 'integer' },
      },
    };
    const { isTree, isOdd } = await load([
      { name: 'isTree', schema: { $ref: '#/$defs/Tree' }, document },
      { name: 'isOdd', schema: { $ref: '#/$defs/a~1b' }, document },
    ]);
    expect(isTree!({ name: 'root', children: [{ name: 'leaf', children: [] }] })).toBe(true);
    expect(isTree!({ name: 'root', children: [{ children: [] }] })).toBe(false);
    expect(isOdd!(3)).toBe(true);
    expect(isOdd!('3')).toBe(false);
  });

  it('writes TypeScript by default: typed, with a header, regular-expression literals and no eval', () => {
    const source = generateValidatorModule({
      header: ['Generated by a test: do not edit.'],
      validators: [{ name: 'isIssue', schema: { type: 'object', properties: { at: { type: 'string', pattern: '^\\d{4}$' } } } }],
    });
    expect(source.startsWith('// Generated by a test: do not edit.\n')).toBe(true);
    expect(source).toContain('export function isIssue(value: unknown): boolean');
    expect(source).toContain('/^\\d{4}$/u');
    expect(source).not.toMatch(/new Function|eval\(|new RegExp|import /);
  });

  it('shares one function between identical sub-schemas', () => {
    const list = { type: 'array', items: { type: 'string' } };
    const source = generateValidatorModule({ validators: [{ name: 'isA', schema: { type: 'object', properties: { a: list, b: list } } }] });
    expect(source.match(/^function items/gm)).toHaveLength(1);
  });

  it.each<[string, JsonSchema]>([
    ['an unsupported keyword', { type: 'object', patternProperties: { '^x': {} } }],
    ['an unsupported keyword deep inside', { properties: { a: { if: { type: 'string' } } } }],
    ['uniqueItems', { type: 'array', uniqueItems: true }],
    ['a remote $ref', { $ref: 'https://example.com/schema.json' }],
    ['a $ref that does not resolve', { $ref: '#/$defs/Missing' }],
    ['an invalid pattern', { type: 'string', pattern: '(' }],
    ['an object enum value', { enum: [{ a: 1 }] }],
    ['an unknown type', { type: 'float' }],
    ['a fractional multipleOf', { multipleOf: 0.1 }],
    ['a negative minLength', { minLength: -1 }],
  ])('refuses %s at generation time (invalid_config), never skipping a check', (_, schema) => {
    expect(() => generateValidatorModule({ validators: [{ name: 'isX', schema }] })).toThrow(HookgateError);
  });

  it('refuses names that are not unique identifiers', () => {
    expect(() => generateValidatorModule({ validators: [{ name: 'is-x', schema: {} }] })).toThrow(/identifier/);
    expect(() =>
      generateValidatorModule({
        validators: [
          { name: 'isX', schema: {} },
          { name: 'isX', schema: {} },
        ],
      }),
    ).toThrow(/unique/);
  });
});
