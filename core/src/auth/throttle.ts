import { TooManyRequests } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { ThrottleConfig } from './config.js'

export type ThrottleScope = 'account' | 'ip'
export interface ThrottleKey {
  scope: ThrottleScope
  key: string
}

interface Row {
  failures: number
  retry?: string | number | null
}

/**
 * Counts failed logins per account and per client address in `plume_login_attempts`, so every
 * instance sees the same counters. After `maxPerAccount` (or `maxPerIp`) failures within the
 * window the key is locked for `lockSeconds`: further attempts get 429 with `Retry-After`, whether
 * the account exists or not. Failures are also slowed down progressively before the lock.
 * @example await throttle.assertOpen(keys); …; await throttle.failed(keys)
 */
export class LoginThrottle {
  constructor(
    private readonly knex: () => Knex,
    readonly config: ThrottleConfig,
  ) {}

  /** The counters a login attempt touches: the (lower-cased) email and, if known, the address. */
  static keys(email: unknown, ip: unknown): ThrottleKey[] {
    const keys: ThrottleKey[] = []
    if (typeof email === 'string' && email.trim())
      keys.push({ scope: 'account', key: email.trim().toLowerCase().slice(0, 320) })
    if (typeof ip === 'string' && ip) keys.push({ scope: 'ip', key: ip })
    return keys
  }

  /** Throws 429 (with `data.retryAfter` seconds) while any of the keys is locked. */
  async assertOpen(keys: ThrottleKey[]): Promise<void> {
    if (!keys.length) return
    const rows = (await this.knex()
      .select(this.knex().raw('ceil(extract(epoch from locked_until - now())) as retry'))
      .from('plume_login_attempts')
      .whereIn(
        ['scope', 'key'],
        keys.map((k) => [k.scope, k.key]),
      )
      .andWhereRaw('locked_until > now()')) as Row[]
    const retry = Math.max(0, ...rows.map((r) => Number(r.retry ?? 0)))
    if (rows.length) throw tooMany(Math.max(1, retry))
  }

  /** Records one failure on every key; resolves to the highest failure count (for the delay). */
  async failed(keys: ThrottleKey[]): Promise<number> {
    let worst = 0
    for (const k of keys) {
      const max = k.scope === 'account' ? this.config.maxPerAccount : this.config.maxPerIp
      const { windowSeconds: win, lockSeconds: lock } = this.config
      const expired = `a.window_start <= now() - :win * interval '1 second'`
      const next = `case when ${expired} then 1 else a.failures + 1 end`
      const result = (await this.knex().raw(
        `insert into plume_login_attempts as a (scope, key, failures, window_start, locked_until)
         values (:scope, :key, 1, now(), case when 1 >= :max then now() + :lock * interval '1 second' end)
         on conflict (scope, key) do update set
           failures = ${next},
           window_start = case when ${expired} then now() else a.window_start end,
           locked_until = case when ${next} >= :max then now() + :lock * interval '1 second' else a.locked_until end
         returning failures`,
        { scope: k.scope, key: k.key, max, lock, win },
      )) as { rows: Row[] }
      worst = Math.max(worst, Number(result.rows[0]?.failures ?? 0))
    }
    return worst
  }

  /** A successful login clears the account's counter (never the address's). */
  async succeeded(keys: ThrottleKey[]): Promise<void> {
    const account = keys.find((k) => k.scope === 'account')
    if (account) await this.knex()('plume_login_attempts').where(account).delete()
  }

  /** Milliseconds to hold a failed answer after `failures` failures. */
  delayFor(failures: number): number {
    return Math.min(this.config.delayMs * Math.max(0, failures - 2), this.config.maxDelayMs)
  }

  /** Lifts a lock by hand (an admin unlocking an account). */
  async reset(scope: ThrottleScope, key: string): Promise<void> {
    await this.knex()('plume_login_attempts')
      .where({ scope, key: scope === 'account' ? key.trim().toLowerCase() : key })
      .delete()
  }

  /** Drops counters whose window and lock are both over. */
  async purge(): Promise<void> {
    await this.knex().raw(
      `delete from plume_login_attempts where window_start < now() - ? * interval '1 second' and (locked_until is null or locked_until < now())`,
      [this.config.windowSeconds],
    )
  }
}

export const tooMany = (retryAfter: number) =>
  new TooManyRequests('Too many failed sign-in attempts. Try again later.', { retryAfter })
