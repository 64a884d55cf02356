import ExcelJS from 'exceljs'
import type { ReportResult, ResultColumn } from '../definition/types.js'

/** Excel sheet names: at most 31 characters, none of `[]:*?/\`. */
const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, '-').slice(0, 31) || 'Report'

/**
 * A result as an .xlsx workbook: one sheet, a bold header row (column keys, or `header(column)`),
 * numbers as numbers (money with two decimals), everything else as text.
 * @example const buf = await toXlsx(result)
 */
export async function toXlsx(
  result: ReportResult,
  header: (c: ResultColumn) => string = (c) => c.key,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Plume'
  wb.created = new Date(result.generatedAt)
  const ws = wb.addWorksheet(sheetName(result.report.code))
  ws.columns = result.columns.map((c) => ({
    header: header(c),
    key: c.key,
    width: Math.max(12, Math.min(40, header(c).length + 2)),
    ...(c.type === 'decimal' ? { style: { numFmt: '#,##0.00' } } : {}),
  }))
  ws.getRow(1).font = { bold: true }
  for (const r of result.rows) {
    ws.addRow(
      Object.fromEntries(
        result.columns.map((c) => {
          const v = r[c.key]
          return [
            c.key,
            v === null || v === undefined
              ? null
              : c.type === 'integer' || c.type === 'decimal'
                ? Number(v)
                : String(v),
          ]
        }),
      ),
    )
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
