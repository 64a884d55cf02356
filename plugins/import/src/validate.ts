import { assertValidData } from '@plume/core'
import type { ImportTarget } from './targets.js'
import type { PreparedRow, RowError } from './rows.js'

type FieldErrorList = Array<{ path?: string; message?: string }>

interface FieldErrors {
  message?: string
  // Feathers moves `data.errors` of an error it builds onto the error itself
  errors?: FieldErrorList
  data?: { errors?: FieldErrorList }
}

/**
 * A service or validation error as row errors: one per field it names (`/billingAddress/city` →
 * the column mapped to `billingAddress.city`), or one for the whole row with its message.
 */
export function rowErrorsOf(err: unknown, row: number, headerOf: Map<string, string>): RowError[] {
  const e = err as FieldErrors
  const list = (Array.isArray(e?.errors) ? e.errors : undefined) ?? e?.data?.errors ?? []
  const out: RowError[] = []
  for (const fe of list) {
    const path = (fe.path ?? '')
      .replace(/^\//, '')
      .split('/')
      .filter((s) => !/^\d+$/.test(s))
    const column = headerOf.get(path.join('.')) ?? headerOf.get(path[0] ?? '') ?? path.join('.')
    out.push({ row, column, message: String(fe.message ?? e.message ?? 'is invalid') })
  }
  if (out.length === 0) out.push({ row, column: '', message: String(e?.message ?? 'could not be written') })
  return out
}

/**
 * Checks each row against the entity schema exactly as the API checks a request body (the same
 * messages, in the caller's language): a new record as a create, a matched one as a patch. A
 * field already in error (a relation that found nothing) is not reported twice.
 */
export function validateRows(
  target: ImportTarget,
  rows: PreparedRow[],
  existing: Map<number, number>,
  headerOf: Map<string, string>,
  locale: 'en' | 'zh-CN',
): void {
  if (!target.schemaChecked) return
  rows.forEach((r, i) => {
    try {
      assertValidData(target.entity, existing.has(i) ? 'patch' : 'create', { ...r.data }, locale)
    } catch (err) {
      const known = new Set(r.errors.map((e) => e.column))
      for (const e of rowErrorsOf(err, r.row, headerOf)) if (!known.has(e.column)) r.errors.push(e)
    }
  })
}
