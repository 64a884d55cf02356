/** Client-side validation with Ajv from the entity's own JSON Schema (the one the server uses). */
import Ajv2020 from 'ajv/dist/2020'
import type { ErrorObject, ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { i18n } from '../i18n'
import type { EntityMeta } from '../types/meta'

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, logger: false })
addFormats(ajv)
const cache = new Map<string, ValidateFunction | null>()

/**
 * The validator for what a form sends: read-only fields left out; on edit, write-only fields
 * (a password) are not required because the server never returns them.
 */
function validatorFor(e: EntityMeta, mode: 'create' | 'edit'): ValidateFunction | null {
  const key = `${e.name}:${mode}:${JSON.stringify(e.schema).length}`
  const hit = cache.get(key)
  if (hit !== undefined) return hit
  const schema = JSON.parse(JSON.stringify(e.schema)) as {
    properties: Record<string, unknown>
    required?: string[]
    $schema?: string
  }
  delete schema.$schema
  for (const f of Object.values(e.fields)) if (f.readOnly || f.serverManaged) delete schema.properties[f.name]
  schema.required = (schema.required ?? []).filter(
    (n) => schema.properties[n] && !(mode === 'edit' && e.fields[n]?.writeOnly),
  )
  const fn = compile(schema)
  cache.set(key, fn)
  return fn
}

/**
 * Ajv compiles a schema to a function with `new Function`, which the admin UI's Content Security
 * Policy (`script-src 'self'`, no 'unsafe-eval') refuses: then the form sends as is and shows the
 * server's answer — the same schema's errors, by field, in the user's language.
 */
function compile(schema: object): ValidateFunction | null {
  try {
    return ajv.compile(schema)
  } catch (err) {
    if (err instanceof EvalError || /Content Security Policy|unsafe-eval/.test(String(err))) return null
    throw err
  }
}

function message(e: EntityMeta, err: ErrorObject): string {
  const t = i18n.global.t
  const field = e.fields[fieldOf(err)]
  const p = err.params as Record<string, unknown>
  switch (err.keyword) {
    case 'required':
      return t('validation.required')
    case 'minLength':
      return Number(p.limit) === 1 ? t('validation.required') : t('validation.minLength', { n: p.limit })
    case 'maxLength':
      return t('validation.maxLength', { n: p.limit })
    case 'minimum':
    case 'exclusiveMinimum':
      return t('validation.minimum', { n: p.limit })
    case 'maximum':
    case 'exclusiveMaximum':
      return t('validation.maximum', { n: p.limit })
    case 'pattern':
      return field?.xType === 'money' ? t('validation.money') : t('validation.pattern')
    case 'format':
      return t('validation.format', { format: String(p.format) })
    case 'enum':
      return t('validation.enum')
    case 'type':
      return t('validation.type', { type: String(p.type) })
    default:
      return err.message ?? err.keyword
  }
}

function fieldOf(err: ErrorObject): string {
  if (err.keyword === 'required' && err.instancePath === '')
    return String((err.params as { missingProperty?: string }).missingProperty ?? '')
  return err.instancePath.split('/')[1] ?? ''
}

/** Field → first error message; empty when valid. */
export function validateRecord(
  e: EntityMeta,
  data: Record<string, unknown>,
  mode: 'create' | 'edit',
): Record<string, string> {
  const fn = validatorFor(e, mode)
  if (!fn || fn(data)) return {}
  const out: Record<string, string> = {}
  for (const err of fn.errors ?? []) {
    const f = fieldOf(err)
    // a nullable type error next to its real error says nothing new
    if (f && !out[f]) out[f] = message(e, err)
  }
  return out
}
