import type { Knex } from 'knex'

export type DatabaseKind = 'postgres' | 'pglite'

/** An open database: the Knex instance every service uses, its kind, and how to close it. */
export interface Database {
  knex: Knex
  kind: DatabaseKind
  close(): Promise<void>
}
