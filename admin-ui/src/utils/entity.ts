/** Helpers over entity metadata: labels, titles, columns, search. */
import type { EntityMeta, FieldMeta, Row } from '../types/meta'
import { tr } from '../i18n'

export const entityLabel = (e: EntityMeta | undefined): string => (e ? tr(e.ui.label, e.name) : '')
export const entityPluralLabel = (e: EntityMeta | undefined): string =>
  e ? tr(e.ui.pluralLabel ?? e.ui.label, e.plural) : ''

/** The field that names a record: `titleField`, else `name`, `code`, `number`, else `id`. */
export function titleField(e: EntityMeta): string {
  if (e.ui.titleField) return e.ui.titleField
  for (const f of ['name', 'code', 'number', 'subject', 'email']) if (e.fields[f]) return f
  return 'id'
}

export function recordTitle(e: EntityMeta, row: Row | undefined): string {
  if (!row) return ''
  const v = row[titleField(e)]
  return v === null || v === undefined || v === '' ? `#${row.id}` : String(v)
}

/** Fields a user can see in lists and details (not write-only, not hidden). */
export const visibleFields = (e: EntityMeta): FieldMeta[] =>
  e.fieldOrder.map((n) => e.fields[n]).filter((f): f is FieldMeta => !!f && !f.writeOnly && !f.ui.hidden)

/** Fields a user fills in a form. */
export const editableFields = (e: EntityMeta): FieldMeta[] =>
  e.fieldOrder
    .map((n) => e.fields[n])
    .filter((f): f is FieldMeta => !!f && !f.readOnly && !f.serverManaged && !f.ui.hidden)

export function defaultColumns(e: EntityMeta): string[] {
  if (e.ui.listColumns?.length) return e.ui.listColumns
  return visibleFields(e)
    .filter((f) => f.type !== 'object' && f.type !== 'array' && f.xType !== 'text')
    .slice(0, 6)
    .map((f) => f.name)
}

const TEXT_FORMATS = new Set(['email', 'uri', 'hostname'])

/**
 * Whether the server accepts `$ilike` on the field: text (e-mail and URI included), not money,
 * dates or enums, and not sensitive fields (encrypted at rest, so not searchable).
 */
export const ilikeable = (f: FieldMeta): boolean =>
  f.type === 'string' &&
  f.xType !== 'money' &&
  f.xType !== 'percent' &&
  (!f.format || TEXT_FORMATS.has(f.format)) &&
  !f.enum &&
  !f.writeOnly &&
  !f.sensitive

/** Searchable text fields: `searchFields`, else `x-search` ones, else the title field. */
export function searchFields(e: EntityMeta): string[] {
  const text = (names: string[]) => names.filter((n) => !!e.fields[n] && ilikeable(e.fields[n]))
  if (e.ui.searchFields?.length) return text(e.ui.searchFields)
  const s = text(
    Object.values(e.fields)
      .filter((f) => f.searchable)
      .map((f) => f.name),
  )
  if (s.length) return s
  return text([titleField(e)])
}

/** `$or` of `$ilike` over the search fields; `%` and `_` typed by the user match literally. */
export function searchQuery(e: EntityMeta, text: string): Record<string, unknown> {
  const q = text.trim()
  if (!q) return {}
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const fields = searchFields(e)
  if (fields.length === 0) return {}
  return { $or: fields.map((f) => ({ [f]: { $ilike: pattern } })) }
}

export const isSortable = (f: FieldMeta): boolean => f.type !== 'object' && f.type !== 'array'
