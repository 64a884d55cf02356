/** Turns one validated (and merged) entity file into an {@link EntityDefinition}. */
import { baseType, columnType, isNullable, serverFieldsHead, serverFieldsTail } from './columns.js'
import { MONEY_PATTERN, PERCENT_PATTERN } from './raw.js'
import type { RawEntity, RawProperty, RawRelation } from './raw.js'
import type { EntityDefinition, EntityUi, FieldDefinition, RelationDefinition } from './types.js'

/** Drop keys whose value is `undefined`, so normalised objects only carry what was said. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k]
  return o
}

function defaultPattern(p: RawProperty): string | undefined {
  if (p.pattern !== undefined) return p.pattern
  if (p['x-type'] === 'money') return MONEY_PATTERN
  if (p['x-type'] === 'percent' && baseType(p) === 'string') return PERCENT_PATTERN
  return undefined
}

/**
 * Normalise one property.
 * @example normalizeField('creditLimit', { type: 'string', 'x-type': 'money' }, false, false).column // 'numeric(14,2)'
 */
export function normalizeField(
  name: string,
  p: RawProperty,
  required: boolean,
  searchable: boolean,
): FieldDefinition {
  const ref = p['x-ref']
  return compact<FieldDefinition>({
    name,
    type: baseType(p),
    nullable: isNullable(p),
    required,
    column: columnType(p),
    xType: p['x-type'],
    format: p.format,
    enum: p.enum?.filter((v): v is string | number => v !== null),
    default: structuredClone(p.default),
    minimum: p.minimum,
    maximum: p.maximum,
    exclusiveMinimum: p.exclusiveMinimum,
    exclusiveMaximum: p.exclusiveMaximum,
    minLength: p.minLength,
    maxLength: p.maxLength,
    pattern: defaultPattern(p),
    ref: ref ? { entity: ref.entity, onDelete: ref.onDelete ?? 'restrict' } : undefined,
    unique: p['x-unique'] === true,
    sensitive: p['x-sensitive'] === true,
    readOnly: p.readOnly === true,
    writeOnly: p.writeOnly === true ? true : undefined,
    serverManaged: false,
    searchable,
    // x-ui as written (label, help, widget, group, hidden, enumLabels): the admin UI reads it from /api/meta
    ui: structuredClone(p['x-ui'] ?? {}),
    schema: structuredClone(p) as Record<string, unknown>,
  })
}

function normalizeRelation(name: string, r: RawRelation): RelationDefinition {
  return compact<RelationDefinition>({
    name,
    kind: r.kind,
    entity: r.entity,
    // manyToMany has no local field; the join entity's `from` column plays that part.
    field: r.field ?? r.through?.from ?? '',
    through: r.through ? { ...r.through } : undefined,
  })
}

/** Properties in `x-ui.fieldOrder` order first (as listed), the rest after them in file order. */
function inOrder<T>(entries: Array<[string, T]>, order: readonly string[] | undefined): Array<[string, T]> {
  if (!order?.length) return entries
  const rank = (name: string) => {
    const i = order.indexOf(name)
    return i < 0 ? order.length : i
  }
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e[0]) - rank(b.e[0]) || a.i - b.i)
    .map((x) => x.e)
}

/**
 * Normalise a validated entity file (extensions already merged): inject the server-managed
 * fields, derive columns, collect search fields and relations.
 * @example normalizeEntity(raw, 'metadata/entities/crm/customer.json').fields.id.column // 'integer'
 */
export function normalizeEntity(raw: RawEntity, source: string): EntityDefinition {
  const meta = raw['x-entity']
  const ui = raw['x-ui']
  const required = [...(raw.required ?? [])]
  const declared = inOrder(Object.entries(raw.properties), ui.fieldOrder)
  const search = [...(ui.searchFields ?? [])]
  for (const [name, p] of declared) if (p['x-search'] && !search.includes(name)) search.push(name)

  const versioned = meta.versioned !== false
  const fieldList: FieldDefinition[] = [
    ...serverFieldsHead(),
    ...declared.map(([name, p]) => normalizeField(name, p, required.includes(name), search.includes(name))),
    ...serverFieldsTail(versioned),
  ]
  // no prototype: a name from a client (`?constructor=…`, `{"toString": …}`) is no field, not Object's member
  const fields = Object.create(null) as Record<string, FieldDefinition>
  for (const f of fieldList) fields[f.name] = f

  const relations: Record<string, RelationDefinition> = {}
  for (const [name, r] of Object.entries(raw['x-relations'] ?? {}))
    relations[name] = normalizeRelation(name, r)

  const entityUi = compact<EntityUi>({
    label: { ...ui.label },
    pluralLabel: ui.pluralLabel ? { ...ui.pluralLabel } : undefined,
    icon: ui.icon,
    listColumns: ui.listColumns ? [...ui.listColumns] : undefined,
    searchFields: search.length > 0 ? search : undefined,
    titleField: ui.titleField,
    groups: ui.groups ? structuredClone(ui.groups) : undefined,
    defaultSort: ui.defaultSort ? { ...ui.defaultSort } : undefined,
  })

  return compact<EntityDefinition>({
    name: meta.name,
    plural: meta.plural,
    table: meta.table,
    domain: meta.domain,
    description: meta.description ?? raw.description,
    fields,
    fieldOrder: fieldList.map((f) => f.name),
    required,
    indexes: structuredClone(raw['x-indexes'] ?? []),
    relations,
    ui: entityUi,
    versioned,
    schema: structuredClone(raw) as unknown as Record<string, unknown>,
    source,
  })
}
