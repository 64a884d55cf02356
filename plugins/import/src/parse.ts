import { BadRequest } from '@feathersjs/errors'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'

export type ImportFormat = 'csv' | 'xlsx'

/** A parsed file: the header row and the data rows, every cell as text ('' when empty). */
export interface Table {
  header: string[]
  rows: string[][]
}

export const MAX_ROWS = 200_000

const bad = (message: string) =>
  new BadRequest(`Invalid file: ${message}`, { errors: [{ path: '/file', message }] })

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue)
    if ('text' in v && typeof v.text === 'string') return v.text
    if ('richText' in v) return v.richText.map((r) => r.text).join('')
    if ('error' in v) return ''
    return ''
  }
  return String(v)
}

async function readXlsx(buf: Buffer): Promise<string[][]> {
  const book = new ExcelJS.Workbook()
  try {
    await book.xlsx.load(buf as unknown as ArrayBuffer)
  } catch {
    throw bad('not a readable XLSX workbook')
  }
  const sheet = book.worksheets[0]
  if (!sheet) throw bad('the workbook has no sheet')
  const out: string[][] = []
  const width = sheet.columnCount
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = []
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value).trim())
    out[n - 1] = cells
  })
  for (let i = 0; i < out.length; i++) out[i] ??= []
  return out
}

function readCsv(buf: Buffer): string[][] {
  try {
    return parse(buf, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
    }) as string[][]
  } catch (err) {
    throw bad(`not valid CSV (${(err as Error).message.slice(0, 120)})`)
  }
}

/**
 * Reads a CSV (UTF-8, comma separated, RFC 4180 quoting) or XLSX file (its first sheet) into a header and rows.
 * Blank rows are dropped, but row numbers elsewhere count them: `rowNumbers[i]` is the file row of `rows[i]`.
 * @example const t = await readTable(buf, 'csv') // { header: ['code', 'name'], rows: [['C-1', 'ACME']], rowNumbers: [2] }
 */
export async function readTable(
  buf: Buffer,
  format: ImportFormat,
): Promise<Table & { rowNumbers: number[] }> {
  const all = format === 'xlsx' ? await readXlsx(buf) : readCsv(buf)
  const header = (all[0] ?? []).map((h) => h.trim())
  if (header.length === 0 || header.every((h) => h === '')) throw bad('the first row must name the columns')
  const rows: string[][] = []
  const rowNumbers: number[] = []
  for (let i = 1; i < all.length; i++) {
    const r = all[i]!
    if (r.every((c) => c === '')) continue
    rows.push(r)
    rowNumbers.push(i + 1)
  }
  if (rows.length > MAX_ROWS) throw bad(`at most ${MAX_ROWS} rows per file`)
  return { header, rows, rowNumbers }
}
