/**
 * Rows looked up by a credential's hash, kept for `ttlMs` (misses too, so a flood of wrong keys
 * does not reach the database each time); emptied when it grows past `max`. Used for API keys
 * and embed sessions, whose revocations drop entries through `clear` / `drop`.
 * @example const row = await cache.get(hash, () => knex('api_keys').where({ prefix }).first())
 */
export class RowCache<R> {
  private entries = new Map<string, { row: R | undefined; at: number }>()

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 10_000,
  ) {}

  async get(key: string, load: () => Promise<R | undefined>): Promise<R | undefined> {
    const hit = this.entries.get(key)
    if (hit && Date.now() - hit.at <= this.ttlMs) return hit.row
    const row = await load()
    if (this.entries.size > this.max) this.entries.clear()
    this.entries.set(key, { row, at: Date.now() })
    return row
  }

  clear(): void {
    this.entries.clear()
  }

  /** Forgets the entries whose row matches. */
  drop(test: (row: R) => boolean): void {
    for (const [k, v] of this.entries) if (v.row !== undefined && test(v.row)) this.entries.delete(k)
  }
}
