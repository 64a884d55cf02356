import type { Knex } from 'knex'

/** What can be revoked: one access token (`jti`), a login family, a user's older tokens, an API key. */
export type RevocationKind = 'jti' | 'family' | 'user' | 'apiKey' | 'embedSession'
export type RevocationListener = (kind: RevocationKind, value: string) => void

interface Row {
  id: string | number
  kind: RevocationKind
  value: string
  exp: string | number
}

const OVERLAP_MS = 60_000
const PURGE_EVERY_MS = 10 * 60_000

/**
 * The shared revocation log (`plume_auth_revocations`). Each instance keeps the live entries in
 * memory and reads new ones every `syncMs` (rows are matched by insert time with a generous
 * overlap and de-duplicated by id, so a row committed late is not missed). Logging out on one
 * instance is therefore honoured by all of them within about a second, without a database
 * round-trip on every request.
 * @example await log.add('jti', payload.jti, new Date(payload.exp * 1000)); log.has('jti', jti)
 */
export class RevocationLog {
  private live = new Map<string, number>()
  private seen = new Map<number, number>()
  private since: Date | undefined
  private lastSync = 0
  private lastPurge = Date.now()
  private timer: NodeJS.Timeout | undefined
  private syncing: Promise<void> | undefined
  private readonly listeners: RevocationListener[] = []

  constructor(
    private readonly knex: () => Knex,
    readonly syncMs: number,
  ) {}

  /** Called for every entry read from the log (including this instance's own, later on). */
  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener)
  }

  has(kind: RevocationKind, value: string): boolean {
    const exp = this.live.get(`${kind}:${value}`)
    if (exp === undefined) return false
    if (exp > Date.now()) return true
    this.live.delete(`${kind}:${value}`)
    return false
  }

  /** Takes effect here at once (fail closed even if `trx` rolls back); others follow on sync. */
  async add(kind: RevocationKind, value: string, expiresAt: Date, trx?: Knex.Transaction): Promise<void> {
    this.live.set(`${kind}:${value}`, expiresAt.getTime())
    await (trx ?? this.knex())('plume_auth_revocations').insert({ kind, value, expires_at: expiresAt })
  }

  /** Loads every entry still in force (start-up). */
  async load(): Promise<void> {
    const rows = (await this.knex().raw(
      `select id, kind, value, extract(epoch from expires_at) * 1000 as exp
         from plume_auth_revocations where expires_at > now()`,
    )) as { rows: Row[] }
    for (const r of rows.rows) this.remember(r)
    this.since = await this.dbNow()
    this.lastSync = Date.now()
  }

  /** Reads entries added since the last sync (by any instance) and tells the listeners. */
  sync(): Promise<void> {
    this.syncing ??= this.readNew().finally(() => (this.syncing = undefined))
    return this.syncing
  }

  /** Syncs when the timer has fallen behind (or never ran: an app that was not `listen`ed). */
  /** Whether the log may miss revocations from other instances (then `syncIfStale` reads it). */
  isStale(): boolean {
    return Date.now() - this.lastSync > this.syncMs * 3
  }

  async syncIfStale(): Promise<void> {
    if (this.isStale()) await this.sync()
  }

  start(onError: (err: unknown) => void): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      this.sync().catch(onError)
      if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
        this.lastPurge = Date.now()
        this.knex()
          .raw(`delete from plume_auth_revocations where expires_at < now() - interval '1 hour'`)
          .catch(onError)
      }
    }, this.syncMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private async readNew(): Promise<void> {
    const from = new Date((this.since?.getTime() ?? Date.now()) - OVERLAP_MS)
    const now = await this.dbNow()
    const rows = (await this.knex().raw(
      `select id, kind, value, extract(epoch from expires_at) * 1000 as exp
         from plume_auth_revocations where created_at > ? order by id`,
      [from],
    )) as { rows: Row[] }
    this.lastSync = Date.now()
    for (const r of rows.rows) {
      if (!this.remember(r)) continue
      for (const l of this.listeners) l(r.kind, r.value)
    }
    this.since = now
    const cutoff = Date.now() - OVERLAP_MS * 2
    for (const [id, at] of this.seen) if (at < cutoff) this.seen.delete(id)
  }

  private async dbNow(): Promise<Date> {
    const now = ((await this.knex().raw('select now() as now')) as { rows: Array<{ now: Date | string }> })
      .rows[0]?.now
    return now ? new Date(now) : new Date()
  }

  /** False when the row was already seen. */
  private remember(r: Row): boolean {
    const id = Number(r.id)
    if (this.seen.has(id)) return false
    this.seen.set(id, Date.now())
    this.live.set(`${r.kind}:${r.value}`, Number(r.exp))
    return true
  }
}
