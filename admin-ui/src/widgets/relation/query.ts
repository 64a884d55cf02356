/** The query behind a relation picker: a bounded remote search, never a load of the whole table. */
import type { EntityMeta } from '../../types/meta'
import { ilikeable, searchFields, titleField } from '../../utils/entity'

export const PICKER_LIMIT = 20
const MAX_LIMIT = 100

/** A widget option (`limit`) as a safe page size: 1…100, 20 when missing or not a number. */
export function pickerLimit(raw: unknown): number {
  const n = Math.trunc(Number(raw ?? PICKER_LIMIT))
  return Number.isFinite(n) && n >= 1 ? Math.min(n, MAX_LIMIT) : PICKER_LIMIT
}

/** Fields a picker searches: the target's title field first, then its search fields (text only). */
export function pickerFields(target: EntityMeta): string[] {
  const out: string[] = []
  for (const name of [titleField(target), ...searchFields(target)]) {
    const f = target.fields[name]
    if (f && ilikeable(f) && !out.includes(name)) out.push(name)
  }
  return out
}

/**
 * One page of suggestions for `text`: `$or` of `$ilike` over {@link pickerFields} (plus the id
 * when the text is a number such as `42` or `#42`), sorted by title, no count.
 * @example pickerQuery(customer, 'acme') // { $or: [{ name: { $ilike: '%acme%' } }, …], $limit: 20, $sort: { name: 1 }, $select: ['id', 'name'], $total: false }
 */
export function pickerQuery(
  target: EntityMeta,
  text: string,
  limit: unknown = PICKER_LIMIT,
): Record<string, unknown> {
  const tf = titleField(target)
  const q: Record<string, unknown> = {
    $limit: pickerLimit(limit),
    $sort: target.fields[tf] && tf !== 'id' ? { [tf]: 1 } : { id: -1 },
    $select: tf === 'id' ? ['id'] : ['id', tf],
    $total: false,
  }
  const s = text.trim()
  if (!s) return q
  const pattern = `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const alternatives: Array<Record<string, unknown>> = pickerFields(target).map((f) => ({
    [f]: { $ilike: pattern },
  }))
  const id = /^#?(\d{1,9})$/.exec(s)
  if (id) alternatives.push({ id: Number(id[1]) })
  // nothing to search in: match nothing rather than list everything
  q.$or = alternatives.length ? alternatives : [{ id: -1 }]
  return q
}
