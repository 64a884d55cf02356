import { Forbidden } from '@feathersjs/errors'
import type { PlumeApp } from '@plume/core'
import { callerParams, type Caller } from './caller.js'
import type { Mapping } from './mapping.js'
import { say } from './messages.js'
import type { PreparedRow } from './rows.js'
import { refKeys, type ImportTarget } from './targets.js'

const CHUNK = 500
const PAGE = 500
const ID = /^\d{1,10}$/

type Found = Array<Record<string, unknown>>

/**
 * Finds records of `path` whose `field` is one of `values`, as the caller may read them (their
 * row conditions apply: a partner user resolves only their own partner's records). A caller who
 * may not read the entity at all finds nothing.
 */
export async function findIn(
  app: PlumeApp,
  caller: Caller,
  path: string,
  field: string,
  values: unknown[],
  select: string[],
  extra: Record<string, unknown> = {},
): Promise<Found> {
  const out: Found = []
  for (let i = 0; i < values.length; i += CHUNK) {
    const query = {
      ...extra,
      [field]: { $in: values.slice(i, i + CHUNK) },
      $select: [...new Set(['id', field, ...select])],
      $limit: PAGE,
      $total: false,
      $sort: { id: 1 },
    }
    // a key of several fields is looked up by its first: one chunk may find more than a page
    for (let skip = 0; ; skip += PAGE) {
      let page: unknown
      try {
        page = await app.service(path).find(callerParams(caller, undefined, { ...query, $skip: skip }))
      } catch (err) {
        // a caller who may not read the entity finds nothing there
        if (err instanceof Forbidden) return out
        throw err
      }
      const rows = (Array.isArray(page) ? page : (page as { data: Found }).data) as Found
      out.push(...rows)
      if (rows.length < PAGE) break
    }
  }
  return out
}

/**
 * Replaces each relation column's text by the id of the record it names: its id, or any unique
 * text key of the related entity (a customer's code, a product's SKU, a partner's code …), among
 * the records the caller may read. A value that finds nothing, or several records, is a row error.
 */
export async function resolveRelations(
  app: PlumeApp,
  caller: Caller,
  target: ImportTarget,
  rows: PreparedRow[],
  mapping: Mapping,
): Promise<void> {
  const headerOf = new Map(
    Object.entries(mapping)
      .filter(([, p]) => p)
      .map(([h, p]) => [p!, h]),
  )
  for (const [field, header] of headerOf) {
    const f = target.entity.fields[field]
    if (!f?.ref) continue
    const related = app.get('entities').get(f.ref.entity)
    if (!related) continue
    const texts = [...new Set(rows.map((r) => r.refs.get(field)).filter((v): v is string => v !== undefined))]
    if (texts.length === 0) continue
    const matches = new Map<string, Set<number>>()
    const add = (text: string, id: unknown) => {
      const set = matches.get(text) ?? new Set<number>()
      set.add(Number(id))
      matches.set(text, set)
    }
    const path = `api/${related.plural}`
    for (const key of refKeys(app, related.name)) {
      for (const rec of await findIn(app, caller, path, key, texts, [])) add(String(rec[key]), rec.id)
    }
    // a number that matched no key is an id
    const ids = texts.filter((t) => ID.test(t) && !matches.has(t)).map(Number)
    for (const rec of await findIn(app, caller, path, 'id', ids, [])) add(String(rec.id), rec.id)
    const label = related.ui.label?.[caller.locale] ?? related.name
    for (const r of rows) {
      const text = r.refs.get(field)
      if (text === undefined) continue
      const ids = matches.get(text)
      if (!ids || ids.size === 0)
        r.errors.push({
          row: r.row,
          column: header,
          message: say(caller.locale, 'notFound', { entity: label, value: text }),
        })
      else if (ids.size > 1)
        r.errors.push({
          row: r.row,
          column: header,
          message: say(caller.locale, 'ambiguous', { entity: label, value: text }),
        })
      else r.data[field] = [...ids][0]
    }
  }
}
