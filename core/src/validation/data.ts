import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import {
  compileDataValidators,
  formatAjvErrors,
  type DataMode,
  type DataValidators,
  type FieldError,
} from './ajv.js'
import { coercePercents, percentRangeErrors } from './decimals.js'
import { text, type Locale } from './messages.js'

const cache = new WeakMap<EntityDefinition, DataValidators>()

/** The compiled validators of an entity (compiled on first use, then cached). */
export function validatorsFor(entity: EntityDefinition): DataValidators {
  let v = cache.get(entity)
  if (!v) {
    v = compileDataValidators(entity)
    cache.set(entity, v)
  }
  return v
}

/**
 * Validates incoming data for create/update/patch. Throws 400 with `{path, message}` per field:
 * unknown fields, server-managed or read-only fields, and schema violations, in words for people
 * (`locale`: the caller's language). Percents given as JSON numbers become decimal strings first.
 * @example assertValidData(entity, 'patch', { name: 'ACME' })
 */
export function assertValidData(
  entity: EntityDefinition,
  mode: DataMode,
  data: unknown,
  locale: Locale = 'en',
): asserts data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadRequest('Request body must be a JSON object', {
      errors: [{ path: '', message: locale === 'en' ? 'must be an object' : '必须是对象' }],
    })
  }
  const errors: FieldError[] = []
  const record = data as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const f = entity.fields[key]
    if (!f) continue // reported below by the schema as an unknown field
    if (key === 'version' && mode !== 'create' && entity.versioned) continue
    if (f.serverManaged || f.readOnly)
      errors.push({ path: `/${key}`, message: text(locale, 'serverManaged') })
  }
  coercePercents(entity, record)
  const validate = validatorsFor(entity)[mode]
  const more = validate(record)
    ? percentRangeErrors(entity, record, locale)
    : formatAjvErrors(validate.errors, entity, locale)
  for (const e of more) if (!errors.some((x) => x.path === e.path)) errors.push(e)
  if (errors.length) {
    const first = errors[0]!
    const field = first.path.slice(1) || 'body'
    throw new BadRequest(
      locale === 'en' ? `Invalid data: ${field} ${first.message}` : `数据无效：${field} ${first.message}`,
      { errors },
    )
  }
}
