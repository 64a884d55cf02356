import type { Knex } from 'knex'
import { VERSIONS_TABLE } from './store.js'

/**
 * Keeps an instance's permission rules in step with changes made on other instances: every
 * change of a rule (create, update, enable, delete, seed) appends a row to `plume_rule_versions`,
 * so the newest id there is the rule store's version. Each instance checks it every
 * `PLUME_RULES_SYNC_MS` (default 2 s; see permissions/index.ts) and reloads its rules when it
 * moved; the instance that made the change has reloaded already.
 * @example const sync = new RuleSync(knex, reload); await sync.check()
 */
export class RuleSync {
  private seen: number | undefined
  private checking: Promise<boolean> | undefined

  constructor(
    private readonly knex: Knex,
    private readonly reload: () => Promise<void>,
  ) {}

  /** Reloads when the store changed since the last check (the first check only takes note). Answers whether it reloaded. */
  check(): Promise<boolean> {
    this.checking ??= this.compare().finally(() => (this.checking = undefined))
    return this.checking
  }

  private async compare(): Promise<boolean> {
    const row = (await this.knex(VERSIONS_TABLE).max({ v: 'id' }).first()) as
      { v: number | string | null } | undefined
    const latest = Number(row?.v ?? 0)
    const first = this.seen === undefined
    if (!first && latest === this.seen) return false
    // noted before the reload: a change made while it runs is picked up by the next check
    this.seen = latest
    if (first) return false
    await this.reload()
    return true
  }
}
