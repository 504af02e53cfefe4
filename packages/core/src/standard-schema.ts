/**
 * The Standard Schema v1 interface (https://standardschema.dev), declared structurally so that
 * core depends on no schema library: zod 4, valibot and arktype values all satisfy it.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import type { StandardSchemaV1 } from '@hookgate/core';
 * const schema: StandardSchemaV1<unknown, { id: string }> = z.object({ id: z.string() });
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['input'];
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output'];
}

/**
 * A schema's fast path, compiled ahead of time (e.g. a validator generated from the schema's
 * JSON Schema by `generateValidatorModule` (`@hookgate/core/provider`) plus the schema's own normalisations): given a
 * body parsed by `JSON.parse`, it returns exactly the success result the schema's `validate`
 * would return (equal as a JSON value; its keys may keep the body's order where a schema library
 * reorders them), or `undefined` to let the schema decide. Only a wrong *success* is a bug: when
 * the fast path declines, the schema runs and its answer — value or issues — is the one used,
 * so a fast path may decline more than the schema refuses (rare or awkward inputs).
 *
 * It may return `value` itself and change it, but only when it returns a result (a declined body
 * goes to the schema unchanged). A provider never calls it for a body with an own `__proto__`
 * key: schema libraries differ on that key (zod drops it), so the schema decides those.
 *
 * Set `unchanged: true` only when the result's `value` is the given `value` itself and nothing
 * in it was changed: its JSON text is then the body's own, and stores keep that text instead of
 * serialising the payload again (about a tenth of a delivery's CPU time with the memory store).
 *
 * @example
 * ```ts
 * import { isOrderPaid } from './validators.generated.js';
 * const fastOrderPaid: FastParse<OrderPaid> = (value) => (isOrderPaid(value) ? { value: value as OrderPaid, unchanged: true } : undefined);
 * ```
 */
export type FastParse<Output = unknown> = (value: unknown) => FastParseResult<Output> | undefined;

/**
 * What a {@link FastParse} returns when it accepts: the schema's success result, and whether the
 * value is the parsed body itself, unchanged.
 *
 * @example
 * ```ts
 * const accepted: FastParseResult<{ id: string }> = { value: body as { id: string }, unchanged: true };
 * ```
 */
export interface FastParseResult<Output = unknown> extends StandardSchemaV1.SuccessResult<Output> {
  /** True when `value` is the body exactly as `JSON.parse` returned it, not changed in any way. */
  readonly unchanged?: boolean | undefined;
}
