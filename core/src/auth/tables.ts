import type { Knex } from 'knex'

/**
 * The authentication tables. They are platform state rather than entities (no API, no admin
 * screens), so they are created here, like `plume_settings`, not by the entity migrator.
 */
const DDL = [
  `create table if not exists plume_login_attempts (
     scope text not null,
     key text not null,
     failures integer not null default 0,
     window_start timestamptz not null default now(),
     locked_until timestamptz,
     primary key (scope, key))`,
  `create table if not exists plume_refresh_tokens (
     id bigserial primary key,
     token_hash text not null unique,
     family text not null,
     user_id integer not null,
     created_at timestamptz not null default now(),
     expires_at timestamptz not null,
     rotated_at timestamptz,
     revoked_at timestamptz)`,
  'create index if not exists plume_refresh_tokens_family on plume_refresh_tokens (family)',
  'create index if not exists plume_refresh_tokens_user on plume_refresh_tokens (user_id)',
  `create table if not exists plume_user_sessions (
     user_id integer primary key,
     tokens_valid_after timestamptz not null)`,
  // set when someone else (an admin) sets the user's password; cleared when they change it themselves
  'alter table plume_user_sessions add column if not exists must_change_password boolean not null default false',
  `create table if not exists plume_auth_revocations (
     id bigserial primary key,
     kind text not null,
     value text not null,
     expires_at timestamptz not null,
     created_at timestamptz not null default clock_timestamp())`,
  'create index if not exists plume_auth_revocations_created on plume_auth_revocations (created_at)',
]

/** Creates the tables once; an advisory lock keeps instances starting together from racing. */
export async function ensureAuthTables(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['plume_auth_tables'])
    for (const sql of DDL) await trx.raw(sql)
  })
}
