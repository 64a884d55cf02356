/** CSV and XLSX export of the filtered set, fetched page by page. */
import { api } from '../api/client'
import { saveBlob as download } from '../api/download'
import type { EntityMeta, FieldMeta } from '../types/meta'
import { exportTable, toCsv, type TitleOf } from './csv'
import { loadTitles, titleOf } from './titles'

export interface ExportOptions {
  entity: EntityMeta
  refs: Map<string, EntityMeta>
  query: Record<string, unknown>
  columns: string[]
  format: 'csv' | 'xlsx'
  onProgress?: (n: number) => void
}

/** Fetches every matching row (500 a page) and downloads them; returns the row count. */
export async function exportRows(o: ExportOptions): Promise<number> {
  const fields = o.columns.map((c) => o.entity.fields[c]).filter((f): f is FieldMeta => !!f)
  const { rows } = await api.findAll(o.entity.plural, o.query, { pageSize: 500, onPage: o.onProgress })
  // every referenced title fetched before writing, so the export shows names ("Not available" where denied)
  for (const f of fields)
    if (f.ref)
      await loadTitles(
        o.refs.get(f.ref.entity),
        rows.map((r) => r[f.name]),
      )
  const refTitle: TitleOf = (f, id) => (f.ref ? titleOf(o.refs.get(f.ref.entity), id) : undefined)
  const [header = [], ...body] = exportTable(fields, rows, refTitle)
  const stamp = new Date().toISOString().slice(0, 10)
  const name = `${o.entity.plural}-${stamp}`
  if (o.format === 'csv') {
    download(new Blob([toCsv([header, ...body])], { type: 'text/csv;charset=utf-8' }), `${name}.csv`)
  } else {
    const { default: writeXlsxFile } = await import('write-excel-file/browser')
    const numeric = fields.map(
      (f) => f.xType === 'money' || f.type === 'number' || (f.type === 'integer' && !f.ref),
    )
    const data = [
      header.map((h) => ({ value: h, fontWeight: 'bold' as const })),
      ...body.map((line) =>
        line.map((s, i) =>
          numeric[i] && s !== '' && Number.isFinite(Number(s))
            ? { type: Number, value: Number(s) }
            : { type: String, value: s },
        ),
      ),
    ]
    download(await writeXlsxFile(data as never).toBlob(), `${name}.xlsx`)
  }
  return rows.length
}
