import type { ReportResult, ResultColumn } from '../definition/types.js'

// a text cell starting like a formula would run in a spreadsheet (CSV injection)
const FORMULA_START = /^[=+\-@\t\r]/

function cell(v: unknown, text: boolean): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  if (text && FORMULA_START.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * A result as RFC 4180 CSV (CRLF, a header row of column keys — or of `header(column)`, e.g. the
 * labels in a language — UTF-8 with a BOM so spreadsheet programs read Chinese text right).
 * @example toCsv(result) // "\uFEFFpartnerId,revenue\r\n1,120.50\r\n"
 */
export function toCsv(result: ReportResult, header: (c: ResultColumn) => string = (c) => c.key): string {
  const cols = result.columns
  const lines = [cols.map((c) => cell(header(c), true)).join(',')]
  for (const r of result.rows) lines.push(cols.map((c) => cell(r[c.key], c.type === 'text')).join(','))
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
