/**
 * A row condition in words: `{ "warehouseId": { "$fact": "user.attributes.warehouseId" } }` →
 * "Warehouse is the user's warehouse" / "仓库 为 当前用户的仓库". Pure: the labels come from the caller.
 */
import { readRow, type RowLeaf } from './model'

export interface SentenceWords {
  field: (name: string) => string
  op: (op: RowLeaf['op']) => string
  fact: (path: string) => string
  value: (field: string, raw: string) => string
  and: string
  or: string
}

const leafWords = (l: RowLeaf, w: SentenceWords) =>
  `${w.field(l.field)} ${w.op(l.op)} ${
    l.kind === 'fact'
      ? w.fact(l.fact)
      : l.value
          .split(',')
          .map((v) => w.value(l.field, v))
          .join(', ')
  }`

/**
 * The sentence of one row query, or undefined when it is not one the rule form can show (then the
 * caller shows the query itself).
 * @example rowSentence({ partnerId: { $fact: 'user.partnerId' } }, words) // "Partner is the user's partner"
 */
export function rowSentence(row: unknown, w: SentenceWords): string | undefined {
  const read = readRow(row)
  if (read?.rows.length)
    return read.rows.map((l) => leafWords(l, w)).join(` ${read.join === 'any' ? w.or : w.and} `)
  // several grants whose rows have several leaves each: `$or` of rows
  const or = row && typeof row === 'object' ? (row as { $or?: unknown }).$or : undefined
  if (!Array.isArray(or) || Object.keys(row as object).length !== 1 || or.length < 2) return undefined
  const parts = or.map((x) => rowSentence(x, w))
  return parts.every((x) => x !== undefined) ? parts.map((x) => `(${x})`).join(` ${w.or} `) : undefined
}
