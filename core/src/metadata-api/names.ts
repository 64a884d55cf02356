/** The names a new custom entity may not take: reserved ones, routes already served, tables it does not own. */
import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { rowsOf } from '../db/migrate/sql.js'
import { VERSIONS_TABLE } from '../db/migrate/versions.js'
import type { MetadataRuntime } from './runtime.js'

/** Entity names the platform keeps for itself (resources of the admin services, JavaScript's own members). */
export const RESERVED_ENTITY_NAMES: ReadonlySet<string> = new Set([
  'rule',
  'permission',
  'plugin',
  'audit',
  'meta',
  'metadata',
  'entityDefinition',
  'authentication',
  'openapi',
  'docs',
  'health',
  'ready',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
])

const refuse = (path: string, message: string) =>
  new BadRequest(`Invalid definition: ${path} ${message}`, { errors: [{ path, message }] })

/** Refuses a reserved name, a route another service serves, and a table that exists but is not this entity's. */
export async function checkNames(
  trx: Knex.Transaction,
  rt: MetadataRuntime,
  def: EntityDefinition | undefined,
): Promise<void> {
  if (!def) return
  if (RESERVED_ENTITY_NAMES.has(def.name))
    throw refuse('/x-entity/name', `"${def.name}" is reserved by the platform`)
  if (def.table.startsWith('plume_') || def.table.startsWith('pg_'))
    throw refuse('/x-entity/table', `table names starting with "plume_" or "pg_" are reserved`)
  const path = `api/${def.plural}`
  const owner = Object.keys(rt.app.services).find((p) => p === path || p.startsWith(`${path}/`))
  if (owner) throw refuse('/x-entity/plural', `the route /${owner} is already served`)
  const exists =
    rowsOf(await trx.raw('select to_regclass(?) is not null as present', [def.table]))[0]?.present === true
  if (!exists) return
  const mine =
    rowsOf(
      await trx.raw('select 1 from ?? where table_name = ? and entity = ? limit 1', [
        VERSIONS_TABLE,
        def.table,
        def.name,
      ]),
    ).length > 0
  if (!mine)
    throw refuse('/x-entity/table', `table "${def.table}" already exists and belongs to something else`)
}
