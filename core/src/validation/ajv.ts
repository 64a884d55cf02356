import { Ajv2020 } from 'ajv/dist/2020.js'
import type { ErrorObject, ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { fieldJsonSchema, type EntityDefinition, type FieldDefinition } from '@plume/metadata'

// ajv-formats ships CJS; under ESM the callable is either the module or its default.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void

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
  const properties: Record<string, unknown> = Object.fromEntries(writable.map((f) => [f.name, fieldSchema(f)]))
  const required = writable.filter((f) => f.required && f.default === undefined).map((f) => f.name)
  const versioned: Record<string, unknown> = entity.versioned ? { version: { type: 'integer', minimum: 1 } } : {}
  const make = (props: Record<string, unknown>, req: string[]) =>
    dataAjv.compile({ type: 'object', properties: props, required: req, additionalProperties: false })
  return {
    create: make(properties, required),
    update: make({ ...properties, ...versioned }, required),
    patch: make({ ...properties, ...versioned }, []),
  }
}

export interface FieldError {
  path: string
  message: string
}

/** Ajv errors as `{path, message}` per field, with friendlier words for Plume's own types. */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, entity?: EntityDefinition): FieldError[] {
  const out: FieldError[] = []
  for (const e of errors ?? []) {
    let path = e.instancePath || ''
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'required') {
      path = `${path}/${(e.params as { missingProperty: string }).missingProperty}`
      message = 'is required'
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${(e.params as { additionalProperty: string }).additionalProperty}`
      message = 'is not a known field'
    } else if (e.keyword === 'pattern' && entity) {
      const name = path.split('/')[1] ?? ''
      if (entity.fields[name]?.xType === 'money') message = 'must be a decimal string with at most 2 decimals, e.g. "12.50"'
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`
    }
    if (!out.some((o) => o.path === path && o.message === message)) out.push({ path, message })
  }
  return out
}
