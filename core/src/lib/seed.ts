/** Demo-data helpers shared by the plugins' seeds: a seeded random source and batched inserts. */
import type { Knex } from 'knex'

/** A small deterministic PRNG (mulberry32): the same seed gives the same demo data everywhere. */
export interface Random {
  /** [0, 1) */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  /** true with probability p. */
  chance(p: number): boolean
}

/**
 * @example const r = seededRandom(42); r.int(1, 6)
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (!items.length) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)]!
    },
    chance: (p) => next() < p,
  }
}

/**
 * Multi-row inserts in chunks, returning the requested columns in insertion order.
 * @example const ids = await insertRows(trx, 'products', rows, ['id'])
 */
export async function insertRows<R extends Record<string, unknown>>(
  trx: Knex.Transaction,
  table: string,
  rows: Array<Record<string, unknown>>,
  returning: string[] = ['id'],
  chunk = 1000,
): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < rows.length; i += chunk) {
    const part = (await trx(table)
      .insert(rows.slice(i, i + chunk))
      .returning(returning)) as R[]
    out.push(...part)
  }
  return out
}
