import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { fieldJsonSchema, type EntityDefinition, type FieldDefinition } from '@plume/metadata'
import { schemaAt } from './decimals.js'
import type { FieldError } from './field-error.js'
import { formatMessage, text, typeMessage, type Locale } from './messages.js'

// ajv-formats ships CJS; under ESM the callable is either the module or its default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  a: Ajv2020,
) => void

/** Strict Ajv for data: no coercion, every error reported. Compiled validators are cached per entity. */
export const dataAjv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false })
addFormats(dataAjv)

function fieldSchema(f: FieldDefinition): Record<string, unknown> {
  const s = fieldJsonSchema(f)
  // defaults are applied by the database, not by validation
  delete s.default
  return s
}

export type DataMode = 'create' | 'update' | 'patch'

export interface DataValidators {
  create: ValidateFunction
  update: ValidateFunction
  patch: ValidateFunction
}

/** Builds the three data validators of an entity once (create/update: full; patch: partial). */
export function compileDataValidators(entity: EntityDefinition): DataValidators {
  const writable = Object.values(entity.fields).filter((f) => !f.readOnly && !f.serverManaged)
  const properties: Record<string, unknown> = Object.fromEntries(
    writable.map((f) => [f.name, fieldSchema(f)]),
  )
  const required = writable.filter((f) => f.required && f.default === undefined).map((f) => f.name)
  const versioned: Record<string, unknown> = entity.versioned
    ? { version: { type: 'integer', minimum: 1 } }
    : {}
  const make = (props: Record<string, unknown>, req: string[]) =>
    dataAjv.compile({ type: 'object', properties: props, required: req, additionalProperties: false })
  return {
    create: make(properties, required),
    update: make({ ...properties, ...versioned }, required),
    patch: make({ ...properties, ...versioned }, []),
  }
}

export type { FieldError } from './field-error.js'

const params = <T>(e: ErrorObject) => e.params as T

/** The message for a money or percent written as a decimal string, or undefined for other fields. */
function decimalMessage(
  entity: EntityDefinition | undefined,
  path: string,
  locale: Locale,
  nullable: boolean,
): string | undefined {
  const raw = entity ? schemaAt(entity, path) : undefined
  const xType = raw?.['x-type']
  if (xType !== 'money' && xType !== 'percent') return undefined
  const m = text(locale, xType)
  return nullable ? `${m}${locale === 'en' ? ' or empty' : '，或为空'}` : m
}

function message(e: ErrorObject, path: string, entity: EntityDefinition | undefined, locale: Locale): string {
  switch (e.keyword) {
    case 'type': {
      const types = params<{ type: string | string[] }>(e).type
      const list = Array.isArray(types) ? types : String(types).split(',')
      return decimalMessage(entity, path, locale, list.includes('null')) ?? typeMessage(locale, list)
    }
    case 'pattern':
      return decimalMessage(entity, path, locale, false) ?? text(locale, 'pattern')
    case 'enum':
      return text(locale, 'oneOf', {
        list: (params<{ allowedValues?: unknown[] }>(e).allowedValues ?? [])
          .map((v) => (v === null ? 'null' : String(v)))
          .join(', '),
      })
    case 'minimum':
      return text(locale, 'atLeast', { limit: String(params<{ limit: number }>(e).limit) })
    case 'exclusiveMinimum':
      return text(locale, 'above', { limit: String(params<{ limit: number }>(e).limit) })
    case 'maximum':
      return text(locale, 'atMost', { limit: String(params<{ limit: number }>(e).limit) })
    case 'exclusiveMaximum':
      return text(locale, 'below', { limit: String(params<{ limit: number }>(e).limit) })
    case 'minLength': {
      const limit = params<{ limit: number }>(e).limit
      return limit === 1 ? text(locale, 'notEmpty') : text(locale, 'minLength', { limit: String(limit) })
    }
    case 'maxLength':
      return text(locale, 'maxLength', { limit: String(params<{ limit: number }>(e).limit) })
    case 'minItems':
      return text(locale, 'minItems', { limit: String(params<{ limit: number }>(e).limit) })
    case 'maxItems':
      return text(locale, 'maxItems', { limit: String(params<{ limit: number }>(e).limit) })
    case 'uniqueItems':
      return text(locale, 'uniqueItems')
    case 'format':
      return formatMessage(locale, params<{ format: string }>(e).format)
    default:
      return e.message ?? text(locale, 'invalid')
  }
}

/**
 * Ajv errors as `{path, message}` per field, in words for people (and in the caller's language):
 * "must be a number or empty" rather than "must be number,null", decimal examples for money and
 * percents, limits spelled out.
 * @example formatAjvErrors(validate.errors, entity) // [{ path: '/percentOff', message: 'must be a decimal number such as 12.5 …' }]
 */
export function formatAjvErrors(
  errors: ErrorObject[] | null | undefined,
  entity?: EntityDefinition,
  locale: Locale = 'en',
): FieldError[] {
  const out: FieldError[] = []
  for (const e of errors ?? []) {
    let path = e.instancePath || ''
    let msg: string
    if (e.keyword === 'required') {
      path = `${path}/${params<{ missingProperty: string }>(e).missingProperty}`
      msg = text(locale, 'required')
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${params<{ additionalProperty: string }>(e).additionalProperty}`
      msg = text(locale, 'unknownField')
    } else msg = message(e, path, entity, locale)
    if (!out.some((o) => o.path === path && o.message === msg)) out.push({ path, message: msg })
  }
  return out
}
