import type { PluginMigration } from '@plume/core'
import type { Knex } from 'knex'

export const IMPORTS_TABLE = 'plume_imports'

/**
 * One row per import: the uploaded file (kept in the database so that the job may run on any
 * instance), the options, the state and progress of its runs, and the row errors of the last run.
 */
export async function createImportsTable(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw(`create table if not exists ${IMPORTS_TABLE} (
    id serial primary key,
    "userId" integer not null,
    entity text not null,
    format text not null,
    filename text,
    locale text not null default 'en',
    file bytea not null,
    uploaded boolean not null default false,
    header jsonb,
    sample jsonb,
    mapping jsonb,
    "upsertKey" jsonb,
    status text not null default 'uploading',
    mode text,
    "jobId" bigint,
    total integer not null default 0,
    processed integer not null default 0,
    created integer not null default 0,
    updated integer not null default 0,
    "errorCount" integer not null default 0,
    errors jsonb not null default '[]',
    "startedAt" timestamptz,
    "finishedAt" timestamptz,
    "createdAt" timestamptz not null default now(),
    "updatedAt" timestamptz not null default now()
  )`)
  await trx.raw(`create index if not exists plume_imports_user on ${IMPORTS_TABLE} ("userId", id)`)
}

export const importsMigration: PluginMigration = {
  name: '20261207180000-imports',
  up: (_ctx, trx) => createImportsTable(trx),
}

export default importsMigration
