import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import { compileDataValidators, formatAjvErrors, type DataMode, type DataValidators, type FieldError } from './ajv.js'

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
 * unknown fields, server-managed or read-only fields, and schema violations.
 * @example assertValidData(entity, 'patch', { name: 'ACME' })
 */
export function assertValidData(entity: EntityDefinition, mode: DataMode, data: unknown): asserts data is Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadRequest('Request body must be a JSON object', { errors: [{ path: '', message: 'must be an object' }] })
  }
  const errors: FieldError[] = []
  for (const key of Object.keys(data)) {
    const f = entity.fields[key]
    if (!f) continue // reported below by the schema as an unknown field
    if (key === 'version' && mode !== 'create' && entity.versioned) continue
    if (f.serverManaged || f.readOnly) errors.push({ path: `/${key}`, message: 'is managed by the server and cannot be written' })
  }
  const validate = validatorsFor(entity)[mode]
  if (!validate(data)) {
    for (const e of formatAjvErrors(validate.errors, entity)) {
      if (!errors.some((x) => x.path === e.path)) errors.push(e)
    }
  }
  if (errors.length) {
    const first = errors[0]!
    throw new BadRequest(`Invalid data: ${first.path.slice(1) || 'body'} ${first.message}`, { errors })
  }
}
