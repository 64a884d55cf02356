import { Forbidden } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import type { PlumeApp } from '../kernel/types.js'
import type { EntityParams, Row } from '../service/entity-service.js'
import { readAccess } from './access.js'

/** One relation a write sets: field, the entity it points at, the id. */
interface WrittenRef {
  field: string
  entity: string
  id: number
}

/**
 * References to users (owner, assignee, author) are not held to the user's visibility: the user
 * directory is private by default (a user reads only themselves), so "may see" is the wrong test
 * for "may assign". Who may set them is said by field rules (`readOnly`), row ownership
 * (`ownerId = user.id`) and the plugins that fill them in.
 */
const NOT_SCOPED: ReadonlySet<string> = new Set(['user'])

/** The relations (`x-ref` fields) a write sets to a new, non-null id. */
function writtenRefs(entity: EntityDefinition, data: Row, current: Row | undefined): WrittenRef[] {
  const out: WrittenRef[] = []
  for (const f of Object.values(entity.fields)) {
    if (!f.ref || NOT_SCOPED.has(f.ref.entity) || !(f.name in data)) continue
    const id = data[f.name]
    // null clears a relation; a malformed id is left to validation (400); an unchanged one moves nothing
    if (typeof id !== 'number' || !Number.isInteger(id)) continue
    if (current && current[f.name] === id) continue
    out.push({ field: f.name, entity: f.ref.entity, id })
  }
  return out
}

/**
 * Relations written by an external create, patch or update must point at records the writer may
 * `get` (the row scope of the referenced entity): otherwise 403 naming the field. A record that
 * does not exist and one outside the writer's rows get the same answer, so the check is no
 * oracle. `current` (patch/update of one record: loads it inside the writer's rows) leaves
 * unchanged relations alone.
 * @example await assertVisibleRefs(app, order, 'patch', params, { customerId: 42 }, () => service.get(7, params))
 */
export async function assertVisibleRefs(
  app: PlumeApp,
  entity: EntityDefinition,
  action: string,
  params: EntityParams & { user?: unknown },
  data: Row,
  current?: () => Promise<Row>,
): Promise<void> {
  if (!params.provider) return
  let refs = writtenRefs(entity, data, undefined)
  if (refs.length === 0) return
  if (current) refs = writtenRefs(entity, data, await current())
  if (refs.length === 0) return
  const entities = app.get('entities')
  const knex = params.transaction ?? app.get('db').knex
  const errors: Array<{ path: string; message: string }> = []
  for (const ref of refs) {
    const target = entities.get(ref.entity)
    const access = target ? await readAccess(app, params, ref.entity, 'get') : undefined
    let visible = access?.allowed === true
    if (visible && access?.scope && target)
      visible = !!(await knex(target.table).where('id', ref.id).where(access.scope).first('id'))
    if (!visible) errors.push({ path: `/${ref.field}`, message: `must refer to a ${ref.entity} you may see` })
  }
  if (errors.length === 0) return
  const first = errors[0]!.path.slice(1)
  throw new Forbidden(`You may not ${action} ${entity.name}: field "${first}" ${errors[0]!.message}`, {
    errors,
  })
}
