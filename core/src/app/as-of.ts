import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'

/**
 * An entity's rows as they stood at the end of a UTC day (`YYYY-MM-DD`): SQL for a derived
 * table with every column of the entity's table, some of them as of that day. The plugin that
 * owns the entity's behaviour provides it (finance: invoice statuses and amounts paid); readers
 * that work "as of a date", such as reports, read the entity through it.
 */
export type AsOfSource = (asOf: string) => { sql: string; bindings: Knex.RawBinding[] }

const sources = new WeakMap<PlumeApp, Map<string, AsOfSource>>()

/**
 * Registers (or, with `undefined`, removes) the as-of source of an entity.
 * @example setAsOfSource(app, 'invoice', (d) => ({ sql: 'select * from invoices where "issueDate" <= ?::date', bindings: [d] }))
 */
export function setAsOfSource(app: PlumeApp, entity: string, source: AsOfSource | undefined): void {
  let map = sources.get(app)
  if (!map) sources.set(app, (map = new Map()))
  if (source) map.set(entity, source)
  else map.delete(entity)
}

/**
 * The as-of source of an entity, if a plugin provides one.
 * @example const src = asOfSource(app, 'invoice')
 */
export function asOfSource(app: PlumeApp, entity: string): AsOfSource | undefined {
  return sources.get(app)?.get(entity)
}
