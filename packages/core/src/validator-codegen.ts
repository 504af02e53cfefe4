import { HookgateError } from './errors.js';

/**
 * A JSON Schema (draft 2020-12) as parsed from JSON: an object of keywords, or `true`/`false`.
 *
 * @example
 * ```ts
 * const schema: JsonSchema = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } };
 * ```
 */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** One exported function of a generated module (see {@link generateValidatorModule}). */
export interface ValidatorSource {
  /** The exported function's name: a JavaScript identifier, e.g. `isIssueNewEvent`. */
  readonly name: string;
  /** The schema the function checks. */
  readonly schema: JsonSchema;
  /** The document local `$ref`s (`#/$defs/…`) are resolved in. Default: `schema` itself. */
  readonly document?: JsonSchema | undefined;
}

/** Options of {@link generateValidatorModule}. */
export interface ValidatorModuleOptions {
  /** The functions to export, in this order. */
  readonly validators: readonly ValidatorSource[];
  /** Comment lines written at the top (say which script made the file and from what). */
  readonly header?: readonly string[] | undefined;
  /** `'ts'` (default) writes parameter and cast types; `'js'` plain JavaScript. */
  readonly language?: 'ts' | 'js' | undefined;
}

/** Keywords that say something about a schema but never make a value invalid. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  // An annotation unless a vocabulary asserts it (2020-12); zod writes the checking `pattern` beside it.
  'format',
  'contentEncoding',
  'contentMediaType',
]);
const STRING_KEYWORDS = new Set(['minLength', 'maxLength', 'pattern']);
const NUMBER_KEYWORDS = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']);
const ARRAY_KEYWORDS = new Set(['items', 'minItems', 'maxItems']);
const OBJECT_KEYWORDS = new Set(['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties']);
const GENERAL_KEYWORDS = new Set(['type', 'enum', 'const', 'anyOf', 'allOf', 'oneOf', 'not', '$ref']);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Writes the source of a module that exports one validator function per schema:
 * `(value: unknown) => boolean`, true exactly when the value is valid against the schema. Run it
 * **ahead of time** (a provider's generate script writes the result to a `*.generated.ts` file):
 * the output is plain code with regular-expression literals — no `new Function`, no `eval`, no
 * runtime dependency — so it runs under a strict Content-Security-Policy and on edge runtimes.
 *
 * Values are assumed to come from `JSON.parse` (no `undefined`, no functions, no cycles). Numbers
 * must be finite (`1e400` parses to `Infinity`, which no `number` accepts). String lengths count
 * code points, as JSON Schema says. A local `$ref` (`#/$defs/Name`, any JSON pointer into
 * `document`) becomes a call of a function generated once per target, so recursive schemas work.
 *
 * Supported keywords: `type`, `enum`, `const` (JSON primitives), `anyOf`, `allOf`, `oneOf`,
 * `not`, `$ref`; `minLength`, `maxLength`, `pattern`; `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum`, integer `multipleOf`; `items`, `minItems`, `maxItems`; `properties`,
 * `required`, `additionalProperties`, `minProperties`, `maxProperties`. Annotations (`title`,
 * `description`, `format`, `default`, `examples`, …) are ignored. Anything else throws: a
 * validator must never accept what its schema refuses because a keyword was skipped.
 *
 * @throws {HookgateError} `invalid_config` for an unsupported keyword, a `$ref` that does not
 *   resolve, a bad pattern or a function name that is not an identifier (at generation time).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { generateValidatorModule } from '@hookgate/core/provider';
 *
 * const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } };
 * writeFileSync('src/validators.generated.ts', generateValidatorModule({ validators: [{ name: 'isOrderPaid', schema }] }));
 * // import { isOrderPaid } from './validators.generated.js'; isOrderPaid({ id: 'o_1' }) → true
 * ```
 */
export function generateValidatorModule(options: ValidatorModuleOptions): string {
  const compiler = new Compiler(options.language ?? 'ts');
  const names = new Set<string>();
  const exported: string[] = [];
  for (const source of options.validators) {
    if (!IDENTIFIER.test(source.name) || names.has(source.name)) {
      throw new HookgateError('invalid_config', `validator name "${source.name}" must be a unique JavaScript identifier`);
    }
    names.add(source.name);
    const body = compiler.expression(source.schema, 'value', source.document ?? source.schema, `${source.name}:#`);
    exported.push(`export function ${source.name}(value${compiler.ts(': unknown')})${compiler.ts(': boolean')} {\n  return ${body};\n}`);
  }
  const header = (options.header ?? []).map((line) => `// ${line}`);
  const code = [...exported, ...compiler.functions];
  return `${[...header, ...compiler.preamble(code.join('\n')), ...code].join('\n\n')}\n`;
}

function fail(path: string, message: string): never {
  throw new HookgateError('invalid_config', `JSON Schema at ${path}: ${message}`);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function nonNegativeInteger(value: unknown, path: string, keyword: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(path, `${keyword} must be a non-negative integer`);
  return value;
}

function finiteNumber(value: unknown, path: string, keyword: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `${keyword} must be a finite number`);
  return value;
}

class Compiler {
  readonly functions: string[] = [];
  private readonly patterns = new Map<string, string>();
  private readonly compiled = new Map<object, string>();
  /** Function text (without its name) → name: identical checks share one function. */
  private readonly defined = new Map<string, string>();

  constructor(private readonly language: 'ts' | 'js') {}

  /** `text` in TypeScript output, nothing in JavaScript. */
  ts(text: string): string {
    return this.language === 'ts' ? text : '';
  }

  /** Module-level constants and helpers the validators use. */
  preamble(code: string): string[] {
    const lines = [...this.patterns].map(([literal, name]) => `const ${name} = ${literal};`);
    if (code.includes('codePoints(')) {
      lines.push(
        `/** Length in code points (what JSON Schema's minLength/maxLength count), not UTF-16 units. */\nfunction codePoints(text${this.ts(': string')})${this.ts(': number')} {\n  let count = 0;\n  for (let i = 0; i < text.length; i++) {\n    const unit = text.charCodeAt(i);\n    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {\n      const next = text.charCodeAt(i + 1);\n      if (next >= 0xdc00 && next <= 0xdfff) i++;\n    }\n    count++;\n  }\n  return count;\n}`,
      );
    }
    if (code.includes('isObject(')) {
      lines.push(
        `function isObject(value${this.ts(': unknown')})${this.ts(': value is Record<string, unknown>')} {\n  return typeof value === 'object' && value !== null && !Array.isArray(value);\n}`,
      );
    }
    return lines.length > 0 ? [lines.join('\n')] : [];
  }

  /** A module-level function `(parameter) => boolean` with this body, defined once per distinct body. */
  private define(prefix: string, parameter: string, body: string): string {
    const key = `${parameter}\n${body}`;
    let name = this.defined.get(key);
    if (name === undefined) {
      name = `${prefix}${this.defined.size}`;
      this.defined.set(key, name);
      this.functions.push(`function ${name}(${parameter})${this.ts(': boolean')} {\n  ${body}\n}`);
    }
    return name;
  }

  /**
   * A boolean JavaScript expression: `x` (an identifier) is valid against `schema`. `known` is the
   * type an enclosing schema already checked `x` to have (`anyOf` branches of an object schema).
   */
  expression(schema: unknown, x: string, document: JsonSchema, path: string, known?: string): string {
    if (schema === true) return 'true';
    if (schema === false) return 'false';
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail(path, 'a schema must be an object or a boolean');
    const keywords = schema as Record<string, unknown>;
    for (const keyword of Object.keys(keywords)) {
      const known =
        ANNOTATIONS.has(keyword) ||
        GENERAL_KEYWORDS.has(keyword) ||
        STRING_KEYWORDS.has(keyword) ||
        NUMBER_KEYWORDS.has(keyword) ||
        ARRAY_KEYWORDS.has(keyword) ||
        OBJECT_KEYWORDS.has(keyword);
      if (!known) fail(path, `unsupported keyword "${keyword}"`);
    }
    const declared = this.types(keywords.type, path);
    // A type the enclosing schema already checked needs no second check.
    const types = declared ?? (known === undefined ? undefined : [known]);
    const parts: string[] = [];
    if (declared !== undefined && !(declared.length === 1 && declared[0] === known)) {
      parts.push(declared.length === 1 ? typeCheck(declared[0]!, x) : `(${declared.map((type) => typeCheck(type, x)).join(' || ')})`);
    }
    // Keywords for one instance type only apply to values of that type (a string keyword never rejects a number).
    const only = types?.length === 1 ? types[0] : undefined;
    const applies = (type: 'string' | 'number' | 'array' | 'object', checks: string[]): void => {
      if (checks.length === 0) return;
      if (types !== undefined && !types.some((t) => t === type || (type === 'number' && t === 'integer'))) return;
      const joined = checks.join(' && ');
      if (only === type || (type === 'number' && only === 'integer')) parts.push(joined);
      else parts.push(`(!(${typeCheck(type === 'number' ? 'number-any' : type, x)}) || (${joined}))`);
    };
    applies('string', this.stringChecks(keywords, x, path));
    applies('number', numberChecks(keywords, x, path));
    applies('array', this.arrayCheck(keywords, x, document, path));
    applies('object', this.objectCheck(keywords, x, document, path));
    if ('const' in keywords) parts.push(equalsOne([keywords.const], x, `${path}/const`));
    if ('enum' in keywords) {
      if (!Array.isArray(keywords.enum) || keywords.enum.length === 0) fail(path, 'enum must be a non-empty array');
      parts.push(equalsOne(keywords.enum, x, `${path}/enum`));
    }
    for (const [keyword, joiner] of [
      ['anyOf', ' || '],
      ['allOf', ' && '],
    ] as const) {
      if (keyword in keywords) parts.push(`(${this.subschemas(keywords[keyword], x, document, `${path}/${keyword}`, only).join(joiner)})`);
    }
    if ('oneOf' in keywords) {
      const branches = this.subschemas(keywords.oneOf, x, document, `${path}/oneOf`, only);
      parts.push(`(${branches.map((branch) => `(${branch} ? 1 : 0)`).join(' + ')}) === 1`);
    }
    if ('not' in keywords) parts.push(`!(${this.expression(keywords.not, x, document, `${path}/not`, only)})`);
    if ('$ref' in keywords) parts.push(`${this.reference(keywords.$ref, document, path)}(${x})`);
    return parts.length === 0 ? 'true' : parts.join(' && ');
  }

  private types(type: unknown, path: string): string[] | undefined {
    if (type === undefined) return undefined;
    const list = Array.isArray(type) ? type : [type];
    if (list.length === 0 || !list.every((t) => typeof t === 'string' && TYPES.has(t))) fail(path, `unsupported type ${JSON.stringify(type)}`);
    return list as string[];
  }

  private subschemas(value: unknown, x: string, document: JsonSchema, path: string, known: string | undefined): string[] {
    if (!Array.isArray(value) || value.length === 0) fail(path, 'must be a non-empty array of schemas');
    return value.map((schema, index) => this.expression(schema, x, document, `${path}/${index}`, known));
  }

  private stringChecks(keywords: Record<string, unknown>, x: string, path: string): string[] {
    const checks: string[] = [];
    if ('minLength' in keywords) {
      const min = nonNegativeInteger(keywords.minLength, path, 'minLength');
      // A string of n UTF-16 units has between n/2 and n code points: the unit count settles most cases.
      if (min === 1) checks.push(`${x}.length !== 0`);
      else if (min > 1) checks.push(`${x}.length >= ${min} && (${x}.length >= ${2 * min} || ${this.codePoints(x)} >= ${min})`);
    }
    if ('maxLength' in keywords) {
      const max = nonNegativeInteger(keywords.maxLength, path, 'maxLength');
      checks.push(`(${x}.length <= ${max} || (${x}.length <= ${2 * max} && ${this.codePoints(x)} <= ${max}))`);
    }
    if ('pattern' in keywords) checks.push(`${this.pattern(keywords.pattern, path)}.test(${x})`);
    return checks;
  }

  private codePoints(x: string): string {
    return `codePoints(${x})`;
  }

  private pattern(source: unknown, path: string): string {
    if (typeof source !== 'string') fail(path, 'pattern must be a string');
    let regex: RegExp;
    try {
      // ECMA-262 with the `u` flag, as JSON Schema validators read `pattern`.
      regex = new RegExp(source, 'u');
    } catch (error) {
      fail(path, `pattern ${JSON.stringify(source)} is not a valid regular expression (${(error as Error).message})`);
    }
    // `source` escapes `/` and line terminators, so the literal means the same expression.
    const literal = `/${regex.source}/u`;
    let name = this.patterns.get(literal);
    if (name === undefined) {
      name = `PATTERN_${this.patterns.size}`;
      this.patterns.set(literal, name);
    }
    return name;
  }

  private arrayCheck(keywords: Record<string, unknown>, x: string, document: JsonSchema, path: string): string[] {
    const checks: string[] = [];
    if ('minItems' in keywords) checks.push(`${x}.length >= ${nonNegativeInteger(keywords.minItems, path, 'minItems')}`);
    if ('maxItems' in keywords) checks.push(`${x}.length <= ${nonNegativeInteger(keywords.maxItems, path, 'maxItems')}`);
    if ('items' in keywords && keywords.items !== true) {
      if (Array.isArray(keywords.items)) fail(path, 'items as an array (draft 4–2019 tuples) is unsupported; use prefixItems-free schemas');
      const check = this.expression(keywords.items, 'item', document, `${path}/items`);
      const name = this.define(
        'items',
        `list${this.ts(': readonly unknown[]')}`,
        `for (let i = 0; i < list.length; i++) {\n    const item = list[i];\n    if (!(${check})) return false;\n  }\n  return true;`,
      );
      checks.push(`${name}(${x}${this.ts(' as unknown[]')})`);
    }
    return checks;
  }

  private objectCheck(keywords: Record<string, unknown>, x: string, document: JsonSchema, path: string): string[] {
    const checks: string[] = [];
    if ('minProperties' in keywords) checks.push(`Object.keys(${x}).length >= ${nonNegativeInteger(keywords.minProperties, path, 'minProperties')}`);
    if ('maxProperties' in keywords) checks.push(`Object.keys(${x}).length <= ${nonNegativeInteger(keywords.maxProperties, path, 'maxProperties')}`);
    const properties = keywords.properties ?? {};
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) fail(path, 'properties must be an object');
    const required = keywords.required ?? [];
    if (!Array.isArray(required) || !required.every((name) => typeof name === 'string')) fail(path, 'required must be an array of strings');
    const additional = keywords.additionalProperties;
    const checksAdditional = additional !== undefined && additional !== true && !isEmptySchema(additional);
    const declared = Object.keys(properties);
    if (declared.length === 0 && required.length === 0 && !checksAdditional) return checks;
    const lines: string[] = [];
    const requiredSet = new Set(required as string[]);
    for (const [index, key] of declared.entries()) {
      const value = `v${index}`;
      const check = this.expression((properties as Record<string, unknown>)[key], value, document, `${path}/properties/${key}`);
      if (check === 'true' && !requiredSet.has(key)) continue;
      lines.push(`const ${value} = ${ownProperty('object', key)};`);
      // Absent is undefined: a parsed JSON value never holds undefined itself.
      if (requiredSet.has(key)) lines.push(`if (${value} === undefined || !(${check})) return false;`);
      else lines.push(`if (${value} !== undefined && !(${check})) return false;`);
    }
    for (const key of requiredSet) {
      if (!Object.hasOwn(properties, key)) lines.push(`if (${ownProperty('object', key)} === undefined) return false;`);
    }
    if (checksAdditional) {
      const key = 'key';
      const value = 'extra';
      const check = this.expression(additional, value, document, `${path}/additionalProperties`);
      const skip = declared.length > 0 ? `if (${declared.map((d) => `${key} === ${JSON.stringify(d)}`).join(' || ')}) continue;\n    ` : '';
      lines.push(`for (const ${key} of Object.keys(object)) {\n    ${skip}const ${value} = object[${key}];\n    if (!(${check})) return false;\n  }`);
    }
    const name = this.define('object', `object${this.ts(': Record<string, unknown>')}`, `${lines.join('\n  ')}\n  return true;`);
    checks.push(`${name}(${x}${this.ts(' as Record<string, unknown>')})`);
    return checks;
  }

  /** The name of the function checking a `$ref` target, generated on first use. */
  private reference(ref: unknown, document: JsonSchema, path: string): string {
    if (typeof ref !== 'string' || !ref.startsWith('#')) fail(path, `only local references (#/…) are supported, got ${JSON.stringify(ref)}`);
    let target: unknown = document;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const token = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      target = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[token] : undefined;
    }
    if (target === undefined) fail(path, `$ref ${ref} does not resolve`);
    if (typeof target === 'boolean') return target ? '(() => true)' : '(() => false)';
    const known = this.compiled.get(target as object);
    if (known) return known;
    const name = `ref${this.compiled.size}`;
    // Registered before compiling, so a schema that refers to itself calls the function being written.
    this.compiled.set(target as object, name);
    const check = this.expression(target, 'value', document, ref);
    this.functions.push(`function ${name}(value${this.ts(': unknown')})${this.ts(': boolean')} {\n  return ${check};\n}`);
    return name;
  }
}

function isEmptySchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && Object.keys(schema).every((keyword) => ANNOTATIONS.has(keyword));
}

/**
 * `object[key]` when no prototype has that key; otherwise only an own property counts
 * (`object.constructor` of a parsed `{}` is `Object`, and `__proto__` reads the prototype).
 */
function ownProperty(object: string, key: string): string {
  const literal = JSON.stringify(key);
  return key in Object.prototype ? `(Object.hasOwn(${object}, ${literal}) ? ${object}[${literal}] : undefined)` : `${object}[${literal}]`;
}

function typeCheck(type: string, x: string): string {
  switch (type) {
    case 'string':
      return `typeof ${x} === 'string'`;
    case 'number':
      return `(typeof ${x} === 'number' && Number.isFinite(${x}))`;
    case 'number-any':
      return `typeof ${x} === 'number'`;
    case 'integer':
      return `(typeof ${x} === 'number' && Number.isInteger(${x}))`;
    case 'boolean':
      return `typeof ${x} === 'boolean'`;
    case 'null':
      return `${x} === null`;
    case 'array':
      return `Array.isArray(${x})`;
    default:
      return `isObject(${x})`;
  }
}

function numberChecks(keywords: Record<string, unknown>, x: string, path: string): string[] {
  const checks: string[] = [];
  const bounds = [
    ['minimum', '>='],
    ['maximum', '<='],
    ['exclusiveMinimum', '>'],
    ['exclusiveMaximum', '<'],
  ] as const;
  for (const [keyword, operator] of bounds) {
    if (keyword in keywords) checks.push(`${x} ${operator} ${finiteNumber(keywords[keyword], path, keyword)}`);
  }
  if ('multipleOf' in keywords) {
    const divisor = finiteNumber(keywords.multipleOf, path, 'multipleOf');
    if (!Number.isInteger(divisor) || divisor <= 0) fail(path, 'only a positive integer multipleOf is supported');
    checks.push(`${x} % ${divisor} === 0`);
  }
  return checks;
}

/** `x` equals one of `values` (JSON primitives only: objects would need a deep comparison). */
function equalsOne(values: readonly unknown[], x: string, path: string): string {
  if (!values.every(isPrimitive)) fail(path, 'only string, number, boolean and null values are supported');
  const tests = values.map((value) => `${x} === ${JSON.stringify(value)}`);
  return tests.length === 1 ? tests[0]! : `(${tests.join(' || ')})`;
}
