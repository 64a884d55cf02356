/** Export formatting (CSV and the cells of XLSX): what each column and cell says. */
import type { FieldMeta, Row } from '../types/meta'
import { enumLabel, fieldLabel, formatValue } from './format'

/** Resolves a referenced record's title (`customerId: 5` → "Acme"), or undefined when unknown. */
export type TitleOf = (field: FieldMeta, id: number) => string | undefined

const NUMBER = /^-?\d+(\.\d+)?$/

/**
 * One CSV cell: quoted when it holds `"`, `,` or a line break; text a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a leading `'` — plain numbers such as
 * `-12.50` stay numbers.
 * @example csvCell('=1+1') // `"'=1+1"`
 */
export function csvCell(s: string): string {
  const formula = /^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)
  if (!formula && !/[",\n\r]/.test(s)) return s
  return `"${(formula ? "'" : '') + s.replace(/"/g, '""')}"`
}

/** Rows as CSV text: CRLF line ends, a BOM so Excel reads UTF-8 (Chinese) correctly. */
export const toCsv = (lines: string[][]): string =>
  '\ufeff' + lines.map((line) => line.map(csvCell).join(',')).join('\r\n')

/**
 * A cell's text in an export: references by title, money and numbers machine-readable (`1200.50`,
 * no grouping), dates as ISO (`2024-03-01`, date-times in UTC), enums and yes/no in the current language.
 */
export function exportCell(f: FieldMeta, row: Row, titleOf: TitleOf): string {
  const v = row[f.name]
  if (v === null || v === undefined) return ''
  if (f.ref && typeof v === 'number') return titleOf(f, v) ?? ''
  if (f.xType === 'money' || f.type === 'number' || f.type === 'integer') return String(v)
  if (f.format === 'date') return String(v).slice(0, 10)
  if (f.format === 'date-time') {
    const d = new Date(String(v))
    return Number.isNaN(d.getTime()) ? String(v) : d.toISOString()
  }
  if (f.enum) return enumLabel(v, f)
  return formatValue(f, v, row)
}

/** The header row (field labels in the current language) and one line per row. */
export function exportTable(fields: FieldMeta[], rows: Row[], titleOf: TitleOf): string[][] {
  return [fields.map((f) => fieldLabel(f)), ...rows.map((r) => fields.map((f) => exportCell(f, r, titleOf)))]
}
