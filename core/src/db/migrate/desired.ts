import type { EntityDefinition, FieldDefinition } from './definitions.js'
import {
  isIntegerType,
  isNumberType,
  isStringType,
  parseColumnType,
  type ColumnType,
} from './column-types.js'
import { defaultLiteral, ident, literal, objectName, shortHash } from './sql.js'

export interface DesiredColumn {
  name: string
  type: ColumnType
  /** The type as written in the definition, used in DDL. */
  typeSql: string
  notNull: boolean
  defaultSql?: string
  identity: boolean
  /** id / createdAt / updatedAt / version: created when missing, otherwise left as they are. */
  platform: boolean
}

export type ObjectKind = 'check' | 'unique' | 'index' | 'fk'

/** A constraint or index Plume owns; its comment `plume:<signature>` marks it as ours. */
export interface DesiredObject {
  kind: ObjectKind
  name: string
  columns: string[]
  /** The defining SQL (add constraint / create index), without the comment. */
  createSql: string
  signature: string
  /** Count query for existing rows the new object would reject (checks, uniques). */
  violationSql?: string
  /** For an FK: the referenced table. */
  refTable?: string
}

export interface DesiredTable {
  entity: string
  table: string
  columns: DesiredColumn[]
  objects: DesiredObject[]
}

const PLATFORM: Record<string, { typeSql: string; defaultSql?: string; identity?: boolean }> = {
  id: { typeSql: 'integer', identity: true },
  createdAt: { typeSql: 'timestamptz', defaultSql: 'now()' },
  updatedAt: { typeSql: 'timestamptz', defaultSql: 'now()' },
  version: { typeSql: 'integer', defaultSql: '1' },
}

function orderedFields(entity: EntityDefinition): FieldDefinition[] {
  const names = [...entity.fieldOrder, ...Object.keys(entity.fields)]
  const seen = new Set<string>()
  const out: FieldDefinition[] = []
  for (const name of names) {
    const f = entity.fields[name]
    if (!f || seen.has(name)) continue
    seen.add(name)
    out.push(f)
  }
  return out
}

function toColumn(f: FieldDefinition): DesiredColumn {
  const platform = f.name === 'id' || (f.serverManaged && f.name in PLATFORM) ? PLATFORM[f.name] : undefined
  if (platform) {
    return {
      name: f.name,
      type: parseColumnType(platform.typeSql),
      typeSql: platform.typeSql,
      notNull: true,
      defaultSql: platform.defaultSql,
      identity: platform.identity === true,
      platform: true,
    }
  }
  return {
    name: f.name,
    type: parseColumnType(f.column),
    typeSql: f.column.trim(),
    notNull: f.required && !f.nullable,
    defaultSql: defaultLiteral(f.default),
    identity: false,
    platform: false,
  }
}

function withSignature(o: Omit<DesiredObject, 'signature'>): DesiredObject {
  return { ...o, signature: shortHash(o.createSql, 12) }
}

function checkObjects(table: string, f: FieldDefinition, type: ColumnType): DesiredObject[] {
  const col = ident(f.name)
  const checks: Array<{ suffix: string; expr: string }> = []
  const values = f.enum ?? []
  const allStrings = values.length > 0 && values.every((v) => typeof v === 'string')
  const allIntegers = values.length > 0 && values.every((v) => typeof v === 'number' && Number.isInteger(v))
  if ((allStrings && isStringType(type)) || (allIntegers && isNumberType(type))) {
    checks.push({ suffix: 'check_enum', expr: `${col} in (${values.map((v) => literal(v)).join(', ')})` })
  }
  if (isNumberType(type)) {
    if (f.minimum !== undefined) checks.push({ suffix: 'check_min', expr: `${col} >= ${literal(f.minimum)}` })
    if (f.maximum !== undefined) checks.push({ suffix: 'check_max', expr: `${col} <= ${literal(f.maximum)}` })
  }
  if (isStringType(type) && f.minLength !== undefined && f.minLength >= 1) {
    checks.push({ suffix: 'check_minlen', expr: `char_length(${col}) >= ${literal(f.minLength)}` })
  }
  return checks.map(({ suffix, expr }) => {
    const name = objectName(table, f.name, suffix)
    return withSignature({
      kind: 'check',
      name,
      columns: [f.name],
      createSql: `alter table ${ident(table)} add constraint ${ident(name)} check (${expr})`,
      violationSql: `select count(*) as n from ${ident(table)} where not (${expr})`,
    })
  })
}

function uniqueObject(table: string, name: string, columns: string[]): DesiredObject {
  const cols = columns.map(ident)
  const notNull = cols.map((c) => `${c} is not null`).join(' and ')
  return withSignature({
    kind: 'unique',
    name,
    columns,
    createSql: `alter table ${ident(table)} add constraint ${ident(name)} unique (${cols.join(', ')})`,
    violationSql:
      `select count(*) as n from (select 1 from ${ident(table)} where ${notNull} ` +
      `group by ${cols.join(', ')} having count(*) > 1) as duplicates`,
  })
}

function indexObject(table: string, name: string, columns: string[], unique: boolean): DesiredObject {
  if (unique) {
    const u = uniqueObject(table, name, columns)
    return withSignature({
      kind: 'index',
      name,
      columns,
      createSql: `create unique index ${ident(name)} on ${ident(table)} (${columns.map(ident).join(', ')})`,
      violationSql: u.violationSql,
    })
  }
  return withSignature({
    kind: 'index',
    name,
    columns,
    createSql: `create index ${ident(name)} on ${ident(table)} (${columns.map(ident).join(', ')})`,
  })
}

/**
 * The table an entity should have: columns, checks, unique constraints, indexes and FKs.
 * @example desiredTable(orderEntity, entitiesByName).objects.map((o) => o.name)
 */
export function desiredTable(
  entity: EntityDefinition,
  byName: ReadonlyMap<string, EntityDefinition>,
): DesiredTable {
  const table = entity.table
  const fields = orderedFields(entity)
  const columns = fields.map((f) => toColumn(f))
  if (!columns.some((c) => c.name === 'id')) {
    columns.unshift({
      name: 'id',
      type: parseColumnType('integer'),
      typeSql: 'integer',
      notNull: true,
      identity: true,
      platform: true,
    })
  }
  const objects: DesiredObject[] = []
  const leadingIndexed = new Set<string>()
  for (const f of fields) {
    const column = columns.find((c) => c.name === f.name)
    if (!column || column.platform) continue
    objects.push(...checkObjects(table, f, column.type))
    if (f.unique) {
      objects.push(uniqueObject(table, objectName(table, f.name, 'key'), [f.name]))
      leadingIndexed.add(f.name)
    }
  }
  for (const idx of entity.indexes) {
    for (const name of idx.fields) {
      if (!columns.some((c) => c.name === name)) {
        throw new Error(`${entity.name}: index on unknown field "${name}"`)
      }
    }
    const name = idx.name ?? objectName(table, ...idx.fields, idx.unique ? 'uniq' : 'idx')
    objects.push(indexObject(table, name, idx.fields, idx.unique === true))
    if (idx.fields[0] !== undefined) leadingIndexed.add(idx.fields[0])
  }
  for (const f of fields) {
    if (!f.ref) continue
    const target = byName.get(f.ref.entity)
    if (!target) throw new Error(`${entity.name}.${f.name}: reference to unknown entity "${f.ref.entity}"`)
    const column = columns.find((c) => c.name === f.name)
    if (column && !isIntegerType(column.type)) {
      throw new Error(`${entity.name}.${f.name}: a reference needs an integer column, not ${f.column}`)
    }
    const onDelete = f.ref.onDelete ?? 'restrict'
    const name = objectName(table, f.name, 'fkey')
    const col = ident(f.name)
    objects.push(
      withSignature({
        kind: 'fk',
        name,
        columns: [f.name],
        refTable: target.table,
        createSql:
          `alter table ${ident(table)} add constraint ${ident(name)} foreign key (${col}) ` +
          `references ${ident(target.table)} ("id") on delete ${onDelete}`,
        violationSql:
          `select count(*) as n from ${ident(table)} as child where child.${col} is not null and not exists ` +
          `(select 1 from ${ident(target.table)} as parent where parent."id" = child.${col})`,
      }),
    )
    if (!leadingIndexed.has(f.name)) {
      objects.push(indexObject(table, objectName(table, f.name, 'fk_idx'), [f.name], false))
    }
  }
  return { entity: entity.name, table, columns, objects }
}
