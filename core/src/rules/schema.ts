import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { FieldError } from '../validation/ajv.js'
import { OPERATOR_NAMES } from './operators.js'

export const IDENT = '^[A-Za-z_][A-Za-z0-9_]{0,62}$'
/** `$` … `$.a.b.c.d` (the same depth for every rule kind). */
export const PATH = '^\\$(\\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,4}$'
export const RULE_NAME = '^[a-z0-9][a-z0-9_.:-]{0,99}$'
const scalar = { type: ['string', 'number', 'boolean', 'null'] }

/**
 * The JSON Schema `$defs` of the one condition format (`top`, `node`, `leaf`), shared by every
 * rule kind's schema; `fact` is the schema of a fact name (an enum for permissions, a name
 * pattern for alert/automation rules, whose facts are registered).
 */
export function conditionDefs(fact: Record<string, unknown>) {
  return {
    top: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        all: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/node' } },
        any: { type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/$defs/node' } },
        not: { $ref: '#/$defs/node' },
      },
    },
    node: {
      if: { type: 'object', required: ['fact'] },
      then: { $ref: '#/$defs/leaf' },
      else: { $ref: '#/$defs/top' },
    },
    leaf: {
      type: 'object',
      additionalProperties: false,
      required: ['fact', 'operator', 'value'],
      properties: {
        fact,
        path: { type: 'string', pattern: PATH },
        operator: { enum: [...OPERATOR_NAMES] },
        value: {
          anyOf: [
            scalar,
            { type: 'array', maxItems: 1000, items: scalar },
            {
              type: 'object',
              additionalProperties: false,
              required: ['fact'],
              properties: { fact, path: { type: 'string', pattern: PATH } },
            },
          ],
        },
      },
    },
  } as const
}

// strictRequired off: `if: { required: ['fact'] }` tests a property declared in the `then` branch
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true })

/** Compiles a rule kind's JSON Schema once. */
export const ruleShape = <T>(schema: object): ValidateFunction<T> => ajv.compile<T>(schema)

/** Ajv's errors of a shape check as `{path, message}` (`if` only repeats the error of its branch). */
export function shapeErrors(check: ValidateFunction): FieldError[] {
  return (check.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => ({
      path: e.instancePath || '/',
      message:
        e.keyword === 'additionalProperties'
          ? `unknown property "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
          : (e.message ?? 'is invalid'),
    }))
}
