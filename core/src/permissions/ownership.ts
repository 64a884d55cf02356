import type { EntityDefinition } from '@plume/metadata'
import type { Row } from '../service/entity-service.js'
import type { Grant } from './engine.js'
import { afterCreate } from './fields.js'
import { matchesRow } from './row.js'

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/**
 * Ownership values a create may be given by the server: the fields a grant's row pins to exactly
 * one value (`{"partnerId": {"$fact": "user.partnerId"}}` → the caller's partner) that the data
 * leaves out. The first grant (in rule priority order) whose row the filled data satisfies is
 * used; a field the client sent — another partner, or `null` — is never replaced (the create is
 * then refused, 403 naming it). Returns `undefined` when no grant can be satisfied this way.
 * @example fillOwnership(order, grants, { customerId: 4 }) // { partnerId: 7 } for a partner user of partner 7
 */
export function fillOwnership(entity: EntityDefinition, grants: Grant[], data: Row): Row | undefined {
  for (const g of grants) {
    if (!g.filter) continue
    const fill: Row = {}
    for (const c of g.filter.conditions) {
      const field = entity.fields[c.field]
      if (
        c.op !== '$eq' ||
        !scalar(c.value) ||
        c.field in data ||
        !field ||
        field.readOnly ||
        field.serverManaged
      )
        continue
      fill[c.field] = c.value
    }
    if (
      Object.keys(fill).length > 0 &&
      matchesRow(entity, afterCreate(entity, { ...data, ...fill }), g.filter)
    )
      return fill
  }
  return undefined
}
