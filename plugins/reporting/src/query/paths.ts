import type { EntityDefinition, FieldDefinition } from '@plume/metadata'

/** One belongsTo join a path walks through: `alias.id = parentAlias.fk`. */
export interface JoinStep {
  /** Relation chain from the base entity, e.g. `product.category`. */
  chain: string
  alias: string
  parentAlias: string
  fk: string
  entity: EntityDefinition
}

/** A field reached from the base entity through belongsTo relations. */
export interface FieldRef {
  path: string
  alias: string
  entity: EntityDefinition
  field: FieldDefinition
  /** The foreign keys walked (they are read too: a hidden one may not be used). */
  via: Array<{ alias: string; entity: EntityDefinition; field: string }>
}

export class PathError extends Error {}

/**
 * A field of the base entity holding a copy of `target.field`, one belongsTo hop away through
 * `relation`, which the query may read instead of joining (see copies.ts); undefined: join.
 */
export type CopyOf = (
  relation: string,
  target: EntityDefinition,
  field: string,
) => FieldDefinition | undefined

const MAX_HOPS = 3

/**
 * Resolves `product.category.name` from `orderLine` into the joins it needs. Joins are shared
 * between paths with the same relation chain, so `product.sku` and `product.cost` join once.
 * @example const joins = new Joins(entities, orderLine); joins.resolve('product.categoryId')
 */
export class Joins {
  readonly steps: JoinStep[] = []
  private readonly byChain = new Map<string, JoinStep>()

  constructor(
    private readonly entities: Map<string, EntityDefinition>,
    readonly base: EntityDefinition,
    readonly baseAlias = 't0',
    private readonly prefix = 'j',
    private readonly copyOf?: CopyOf,
  ) {}

  resolve(path: string): FieldRef {
    const parts = path.split('.')
    if (parts.some((p) => !/^[A-Za-z][A-Za-z0-9]{0,62}$/.test(p)))
      throw new PathError(`"${path}" is not a field path`)
    if (parts.length - 1 > MAX_HOPS)
      throw new PathError(`"${path}" goes through more than ${MAX_HOPS} relations`)
    const copy = parts.length === 2 ? this.copied(path, parts[0]!, parts[1]!) : undefined
    if (copy) return copy
    let entity = this.base
    let alias = this.baseAlias
    let chain = ''
    const via: FieldRef['via'] = []
    for (const name of parts.slice(0, -1)) {
      const rel = entity.relations[name]
      if (!rel) throw new PathError(`unknown relation "${name}" on ${entity.name}`)
      if (rel.kind !== 'belongsTo')
        throw new PathError(
          `relation "${name}" on ${entity.name} is ${rel.kind}: only belongsTo relations can be followed`,
        )
      const target = this.entities.get(rel.entity)
      if (!target)
        throw new PathError(`relation "${name}" on ${entity.name} names unknown entity "${rel.entity}"`)
      via.push({ alias, entity, field: rel.field })
      chain = chain ? `${chain}.${name}` : name
      let step = this.byChain.get(chain)
      if (!step) {
        step = {
          chain,
          alias: `${this.prefix}${this.steps.length + 1}`,
          parentAlias: alias,
          fk: rel.field,
          entity: target,
        }
        this.steps.push(step)
        this.byChain.set(chain, step)
      }
      entity = target
      alias = step.alias
    }
    const fieldName = parts[parts.length - 1]!
    const field = entity.fields[fieldName]
    if (!field || field.writeOnly === true || field.schema.writeOnly === true)
      throw new PathError(`unknown field "${fieldName}" on ${entity.name}`)
    return { path, alias, entity, field, via }
  }

  /** `order.status` read from the base row's copy: the foreign key and the original still count as read (hidden ones refused). */
  private copied(path: string, relation: string, name: string): FieldRef | undefined {
    const rel = this.base.relations[relation]
    const target = rel?.kind === 'belongsTo' ? this.entities.get(rel.entity) : undefined
    if (!rel?.field || !target || !target.fields[name] || !this.copyOf) return undefined
    const field = this.copyOf(relation, target, name)
    if (!field) return undefined
    const via = [
      { alias: this.baseAlias, entity: this.base, field: rel.field },
      { alias: this.baseAlias, entity: target, field: name },
    ]
    return { path, alias: this.baseAlias, entity: this.base, field, via }
  }
}

export const isNumeric = (f: FieldDefinition) =>
  f.type === 'integer' || f.type === 'number' || f.xType === 'money'
export const isTemporal = (f: FieldDefinition) => f.format === 'date' || f.format === 'date-time'
export const isScalar = (f: FieldDefinition) => f.type !== 'object' && f.type !== 'array'
