import { BadRequest } from '@feathersjs/errors'
import type { PlumeApp } from '@plume/core'
import type { Caller } from './caller.js'
import { say } from './messages.js'
import { findIn } from './relations.js'
import type { PreparedRow } from './rows.js'
import type { ImportTarget } from './targets.js'

/**
 * The upsert key of an import: the fields that identify a record (default: the entity's unique
 * key, e.g. a customer's `code`, a product's `sku`). Empty: every row creates a record.
 */
export function checkUpsertKey(target: ImportTarget, key: unknown): string[] {
  if (key === undefined || key === null) return target.defaultKey
  const list = typeof key === 'string' ? [key] : key
  if (
    !Array.isArray(list) ||
    list.some((k) => typeof k !== 'string' || !target.fields.includes(k)) ||
    list.length > 4
  ) {
    throw new BadRequest('Invalid import: upsertKey must list fields of the entity', {
      errors: [{ path: '/upsertKey', message: 'must list fields of the entity (at most 4)' }],
    })
  }
  return list as string[]
}

const keyText = (values: unknown[]) => JSON.stringify(values)
const looseText = (text: string) => text.normalize('NFKC').toLowerCase()

/**
 * Finds, for each row with a complete key, the existing record its key names (among those the
 * caller may read) and flags a key repeated in the file: a row repeating an earlier one's key is
 * an error, so a file never writes one record twice. Answers row index → existing record id.
 */
export async function matchExisting(
  app: PlumeApp,
  caller: Caller,
  target: ImportTarget,
  key: string[],
  rows: PreparedRow[],
  headerOf: Map<string, string>,
): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  if (key.length === 0) return out
  const seen = new Map<string, number>()
  const keyed: Array<[number, string]> = []
  rows.forEach((r, i) => {
    const values = key.map((k) => r.data[k])
    if (values.some((v) => v === undefined || v === null)) return
    const text = keyText(values)
    const first = seen.get(text)
    if (first !== undefined) {
      r.errors.push({
        row: r.row,
        column: headerOf.get(key[0]!) ?? '',
        message: say(caller.locale, 'duplicate', { row: String(first) }),
      })
      return
    }
    seen.set(text, r.row)
    keyed.push([i, text])
  })
  if (keyed.length === 0) return out
  const first = key[0]!
  const firstValues = [...new Set(keyed.map(([i]) => rows[i]!.data[first]))]
  const found = await findIn(
    app,
    caller,
    target.readPath,
    first,
    firstValues,
    key.slice(1),
    target.lookupFilter,
  )
  const ids = new Map<string, number>()
  // a service may store a key normalised (a customer's code in upper case): the file's `c-1`
  // finds the stored `C-1`, and is matched to it when no other record reads the same loosely
  const loose = new Map<string, number | null>()
  for (const rec of found) {
    const text = keyText(key.map((k) => rec[k]))
    ids.set(text, Number(rec.id))
    loose.set(looseText(text), loose.has(looseText(text)) ? null : Number(rec.id))
  }
  for (const [i, text] of keyed) {
    const id = ids.get(text) ?? loose.get(looseText(text)) ?? undefined
    if (id !== undefined) out.set(i, id)
  }
  return out
}
