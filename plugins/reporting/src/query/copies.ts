import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { AccessOf } from '../access.js'
import type { CopyOf } from './paths.js'

/**
 * Fields an entity carries as copies of a related entity's, kept equal by the plugin that owns
 * them in the same transaction as every change — the orders plugin copies the order's date,
 * status, partner and customer onto each line. A report then reads `order.status` from the line
 * itself instead of joining a million orders.
 */
export const COPIED_FIELDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  orderLine: { order: ['orderDate', 'status', 'partnerId', 'customerId'] },
}

const sameKind = (a: FieldDefinition, b: FieldDefinition) =>
  a.type === b.type && a.format === b.format && a.xType === b.xType

/**
 * When a report may read the copy: the copy exists on this deployment (its plugin is installed)
 * with the original's type, and the caller reads every row of the related entity — with a row
 * scope the join decides which lines count (a line whose order is out of scope reads as null), so
 * it stays. Asking for access also refuses (403) a caller who may not read the related entity.
 * @example new Joins(entities, base, 't0', 'j', copiesFor(base, access))
 */
export function copiesFor(base: EntityDefinition, access: AccessOf): CopyOf {
  return (relation, target, name) => {
    if (!COPIED_FIELDS[base.name]?.[relation]?.includes(name)) return undefined
    const copy = base.fields[name]
    const original = target.fields[name]
    if (!copy || !original || !sameKind(copy, original)) return undefined
    return access(target).scope ? undefined : copy
  }
}
