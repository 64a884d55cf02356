import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition, FieldDefinition, LocalizedText } from '@plume/metadata'
import type { PlumeApp } from '@plume/core'

/**
 * What an import writes to: an entity through its own service (customers, contacts, products,
 * price-list items … any entity), or opening stock through `api/stock-receipts`.
 */
export interface ImportTarget {
  name: string
  /** The entity whose fields (types, labels, relations) the columns map to. */
  entity: EntityDefinition
  /** Where each row is written (`create`, or `patch` of the record its upsert key finds). */
  path: string
  /** Where existing records are looked up by the upsert key. */
  readPath: string
  fields: string[]
  /** Upsert key used when the import names none. */
  defaultKey: string[]
  /** A row whose key finds a record: `patch` it, or `skip` it (ledger entries are never changed). */
  onExisting: 'patch' | 'skip'
  /** Rows are checked against the entity schema before any write (not for custom services, which check their own body). */
  schemaChecked: boolean
  /** Conditions added to the lookup of existing records. */
  lookupFilter?: Record<string, unknown>
}

export const OPENING_STOCK = 'openingStock'

const writable = (f: FieldDefinition) => !f.serverManaged && !f.readOnly

function defaultKeyOf(entity: EntityDefinition): string[] {
  const unique = entity.fieldOrder.find((n) => entity.fields[n]?.unique && writable(entity.fields[n]!))
  if (unique) return [unique]
  return entity.indexes.find((i) => i.unique)?.fields ?? []
}

/**
 * The target of `name` (an entity name or `openingStock`), or a 400 naming the entity field.
 * @example targetOf(app, 'customer').defaultKey // ['code']
 */
export function targetOf(app: PlumeApp, name: unknown): ImportTarget {
  const entities = app.get('entities')
  if (name === OPENING_STOCK) {
    const movement = entities.get('stockMovement')
    if (!movement || !('api/stock-receipts' in app.services)) throw unknownTarget(name)
    return {
      name: OPENING_STOCK,
      entity: movement,
      path: 'api/stock-receipts',
      readPath: `api/${movement.plural}`,
      fields: ['productId', 'warehouseId', 'quantity', 'reference', 'note'],
      defaultKey: ['productId', 'warehouseId', 'reference'],
      onExisting: 'skip',
      schemaChecked: false,
      lookupFilter: { kind: 'receipt' },
    }
  }
  const entity = typeof name === 'string' ? entities.get(name) : undefined
  if (!entity || !(`api/${entity.plural}` in app.services)) throw unknownTarget(name)
  return {
    name: entity.name,
    entity,
    path: `api/${entity.plural}`,
    readPath: `api/${entity.plural}`,
    fields: entity.fieldOrder.filter((n) => writable(entity.fields[n]!)),
    defaultKey: defaultKeyOf(entity),
    onExisting: 'patch',
    schemaChecked: true,
  }
}

const unknownTarget = (name: unknown) =>
  new BadRequest(
    `Invalid import: entity "${String(name).slice(0, 60)}" is not an entity that can be imported`,
    { errors: [{ path: '/entity', message: 'is not an entity that can be imported' }] },
  )

/** A column the file may hold: a field, or one property of an object field (`billingAddress.city`). */
export interface ImportColumn {
  path: string
  label: LocalizedText
  required: boolean
  /** The entity a relation column points to; its values may be the record's id or any unique key. */
  ref?: { entity: string; keys: string[] }
}

const labelOf = (name: string, ui?: { label?: LocalizedText }): LocalizedText =>
  ui?.label ?? { en: name, 'zh-CN': name }

/** Unique text keys a relation value may be given by (e.g. a customer's `code`, a product's `sku`). */
export function refKeys(app: PlumeApp, entityName: string): string[] {
  const e = app.get('entities').get(entityName)
  if (!e) return []
  return e.fieldOrder.filter((n) => e.fields[n]!.unique && e.fields[n]!.type === 'string')
}

/** Every column a file for `target` may have, with labels in both languages. */
export function columnsOf(app: PlumeApp, target: ImportTarget): ImportColumn[] {
  const out: ImportColumn[] = []
  const required = new Set(
    target.schemaChecked ? target.entity.required : ['productId', 'warehouseId', 'quantity'],
  )
  for (const name of target.fields) {
    const f = target.entity.fields[name]!
    const props =
      f.type === 'object'
        ? (f.schema.properties as Record<string, { 'x-ui'?: { label?: LocalizedText } }> | undefined)
        : undefined
    if (props) {
      const parent = labelOf(name, f.ui)
      for (const [sub, s] of Object.entries(props)) {
        const l = labelOf(sub, s['x-ui'])
        out.push({
          path: `${name}.${sub}`,
          label: { en: `${parent.en} / ${l.en}`, 'zh-CN': `${parent['zh-CN']} / ${l['zh-CN']}` },
          required: false,
        })
      }
      continue
    }
    out.push({
      path: name,
      label: labelOf(name, f.ui),
      required: required.has(name) && f.default === undefined,
      ...(f.ref ? { ref: { entity: f.ref.entity, keys: refKeys(app, f.ref.entity) } } : {}),
    })
  }
  return out
}
