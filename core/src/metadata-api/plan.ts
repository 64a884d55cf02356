/**
 * The plan of one definition change, computed on the live schema inside the caller's
 * transaction: renames first (`ALTER … RENAME`, run in that transaction so the migrator's planner
 * sees the renamed columns), then the migrator's statements for the target definition, with what
 * is added, renamed, retyped and dropped, how many rows would fail a cast, and what data is lost.
 */
import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { readTables } from '../db/migrate/introspect.js'
import { planMigration } from '../db/migrate/plan.js'
import { countOf } from '../db/migrate/plan-context.js'
import { ident } from '../db/migrate/sql.js'
import { castClass, countChangedValues, countFailingCasts, type CastClass } from './cast-matrix.js'

export interface Retype {
  field: string
  from: string
  to: string
  cast: CastClass
  /** Rows holding a value that cannot convert: while above 0 the change cannot be applied. */
  rowsFailing: number
  /** Rows whose value the cast changes (cut, rounded, time dropped). */
  rowsChanged: number
}

/** One step that loses or rewrites data; applied only when the request names it in `confirm`. */
export interface DestructiveStep {
  step: string
  field?: string
  detail: string
}

export interface PlanBody {
  entity: string
  table: string
  statements: string[]
  added: string[]
  renamed: Array<{ from: string; to: string }>
  retyped: Retype[]
  dropped: Array<{ field: string; rowsWithValues: number }>
  destructive: DestructiveStep[]
  /** What would be lost, in words. */
  dataLost: string[]
  warnings: string[]
  /** Why the plan cannot be applied as it is (a refused type change, rows failing a cast). */
  blocked: Array<{ path: string; message: string }>
}

/** The entity and every entity it refers to, directly or not (the planner needs their tables). */
function closure(target: EntityDefinition, all: ReadonlyMap<string, EntityDefinition>): EntityDefinition[] {
  const out = new Map<string, EntityDefinition>([[target.name, target]])
  const queue = [target]
  while (queue.length) {
    const e = queue.pop()!
    for (const f of Object.values(e.fields)) {
      const t = f.ref ? all.get(f.ref.entity) : undefined
      if (t && !out.has(t.name)) {
        out.set(t.name, t)
        queue.push(t)
      }
    }
  }
  return [...out.values()]
}

/**
 * Plans `target` (the whole model in `all`) against the schema seen through `trx`, after running
 * the `renames` (old → new field name) in it. Nothing else is written.
 */
export async function planDefinition(
  trx: Knex.Transaction,
  target: EntityDefinition,
  all: ReadonlyMap<string, EntityDefinition>,
  renames: Record<string, string>,
): Promise<PlanBody> {
  const table = target.table
  const before = (await readTables(trx, [table])).get(table)
  const body: PlanBody = {
    entity: target.name,
    table,
    statements: [],
    added: [],
    renamed: [],
    retyped: [],
    dropped: [],
    destructive: [],
    dataLost: [],
    warnings: [],
    blocked: [],
  }
  for (const [from, to] of Object.entries(renames)) {
    const bad = (message: string) =>
      new BadRequest(`Cannot rename ${from} to ${to}: ${message}`, {
        errors: [{ path: `/renames/${from}`, message }],
      })
    if (!before?.columns.has(from)) throw bad(`"${from}" is not a column of ${table}`)
    if (!target.fields[to] || target.fields[to].serverManaged)
      throw bad(`the new definition has no field "${to}"`)
    if (target.fields[from]) throw bad(`the new definition still has a field "${from}"`)
    if (before.columns.has(to)) throw bad(`${table} already has a column "${to}"`)
    const sql = `alter table ${ident(table)} rename column ${ident(from)} to ${ident(to)}`
    await trx.raw(sql)
    body.statements.push(sql)
    body.renamed.push({ from, to })
  }
  const actual = (await readTables(trx, [table])).get(table)
  const plan = await planMigration(trx, closure(target, all))
  const mine = plan.entities.find((e) => e.entity === target.name)
  body.statements.push(...(mine?.statements ?? []), ...(mine?.foreignKeys ?? []))
  body.warnings.push(...plan.warnings.filter((w) => w.startsWith(`${table}.`)))
  for (const d of plan.destructive.filter((x) => x.entity === target.name)) {
    body.destructive.push({
      step: `${d.kind}:${d.column ?? table}`,
      ...(d.column ? { field: d.column } : {}),
      detail: d.detail,
    })
  }
  for (const f of Object.values(target.fields)) {
    if (f.serverManaged) continue
    const col = actual?.columns.get(f.name)
    if (!col) {
      body.added.push(f.name)
      continue
    }
    const cast = castClass(col.type, f.column)
    if (cast === 'same') continue
    const r: Retype = { field: f.name, from: col.type, to: f.column, cast, rowsFailing: 0, rowsChanged: 0 }
    if (cast === 'refused')
      body.blocked.push({
        path: `/properties/${f.name}/type`,
        message: `changing ${f.name} from ${col.type} to ${f.column} is not in the safe-cast matrix`,
      })
    else if (cast !== 'widen') {
      r.rowsFailing = await countFailingCasts(trx, table, f.name, col.type, f.column)
      if (r.rowsFailing > 0)
        body.blocked.push({
          path: `/properties/${f.name}/type`,
          message: `${r.rowsFailing} row(s) hold a value of ${f.name} that cannot convert to ${f.column}; correct them first`,
        })
      else r.rowsChanged = await countChangedValues(trx, table, f.name, f.column)
      if (r.rowsChanged > 0)
        body.dataLost.push(
          `${f.name}: ${r.rowsChanged} value(s) would change when converted from ${col.type} to ${f.column}`,
        )
    }
    // one step per type change, named after the field: widening needs no confirmation, whatever the migrator's own caution says
    const detail = body.destructive.find(
      (d) => d.step === `narrow-type:${f.name}` || d.step === `incompatible-type:${f.name}`,
    )?.detail
    body.destructive = body.destructive.filter(
      (d) => d.step !== `narrow-type:${f.name}` && d.step !== `incompatible-type:${f.name}`,
    )
    if (cast === 'narrow' || cast === 'convert')
      body.destructive.push({
        step: `retype:${f.name}`,
        field: f.name,
        detail: `${f.name} converts from ${col.type} to ${f.column} (${r.rowsChanged} value(s) change)${detail ? `; ${detail}` : ''}`,
      })
    body.retyped.push(r)
  }
  if (actual) {
    for (const name of actual.columns.keys()) {
      if (target.fields[name] || !body.destructive.some((d) => d.step === `drop-column:${name}`)) continue
      const n = await countOf(trx, `select count(${ident(name)}) as n from ${ident(table)}`)
      body.dropped.push({ field: name, rowsWithValues: n })
      if (n > 0) body.dataLost.push(`${name}: column dropped with ${n} value(s)`)
    }
  }
  return body
}
