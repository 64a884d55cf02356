import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { Mapping } from './mapping.js'
import { say, type Locale } from './messages.js'

/** One row error, as the dry run lists it and the error file holds it. */
export interface RowError {
  /** The row number in the file (the header is row 1). */
  row: number
  /** The file's column header ('' when the error is about the whole row). */
  column: string
  message: string
}

/** A row ready to be written: its data, the raw texts of its relation columns, its errors so far. */
export interface PreparedRow {
  row: number
  data: Record<string, unknown>
  refs: Map<string, string>
  errors: RowError[]
}

const INT = /^[+-]?\d{1,15}$/
const NUM = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
const TRUE = new Set(['true', 'yes', 'y', '1', '是', '真'])
const FALSE = new Set(['false', 'no', 'n', '0', '否', '假'])

/**
 * A cell's text as the JSON value the API expects: integers and numbers as numbers, booleans
 * from true/false/yes/no/1/0/是/否, JSON arrays and objects parsed, money and other text as text.
 * A cell that does not convert stays text, so that validation answers with the API's own message.
 */
export function cellValue(f: FieldDefinition, text: string): { value: unknown } | { error: 'notJson' } {
  const types = Array.isArray(f.schema.type) ? (f.schema.type as string[]) : [f.type]
  if (types.includes('integer') && INT.test(text)) return { value: Number(text) }
  if (types.includes('number') && f.xType !== 'percent' && NUM.test(text)) return { value: Number(text) }
  if (f.xType === 'percent' && NUM.test(text)) return { value: text }
  if (types.includes('boolean')) {
    const t = text.toLowerCase()
    if (TRUE.has(t)) return { value: true }
    if (FALSE.has(t)) return { value: false }
  }
  if (f.type === 'array' || f.type === 'object') {
    if (f.type === 'array' && !text.startsWith('['))
      return { value: text.split(/\s*[,;，；]\s*/).filter((s) => s !== '') }
    try {
      return { value: JSON.parse(text) as unknown }
    } catch {
      return { error: 'notJson' }
    }
  }
  return { value: text }
}

/**
 * Builds each row's data from its cells through the mapping: empty cells are left out (the
 * field keeps its default, or its stored value on an update); `parent.child` columns fill one
 * property of an object field; relation columns are kept as text for `resolveRelations`.
 */
export function prepareRows(
  entity: EntityDefinition,
  header: string[],
  rows: string[][],
  rowNumbers: number[],
  mapping: Mapping,
  locale: Locale,
): PreparedRow[] {
  const cols = header.map((h) => mapping[h] ?? null)
  const out: PreparedRow[] = []
  for (let i = 0; i < rows.length; i++) {
    const cells = rows[i]!
    const r: PreparedRow = { row: rowNumbers[i]!, data: {}, refs: new Map(), errors: [] }
    for (let c = 0; c < cols.length; c++) {
      const path = cols[c]
      const text = cells[c] ?? ''
      if (!path || text === '') continue
      const dot = path.indexOf('.')
      if (dot > 0) {
        const parent = path.slice(0, dot)
        const obj = (r.data[parent] ??= {}) as Record<string, unknown>
        obj[path.slice(dot + 1)] = text
        continue
      }
      const f = entity.fields[path]!
      if (f.ref) {
        r.refs.set(path, text)
        continue
      }
      const v = cellValue(f, text)
      if ('error' in v) r.errors.push({ row: r.row, column: header[c]!, message: say(locale, v.error) })
      else r.data[path] = v.value
    }
    out.push(r)
  }
  return out
}
