import type { Knex } from 'knex'

/** The audit table. Append-only: see {@link ensureAuditSchema}. */
export const AUDIT_TABLE = 'plume_audit'
/** One row: the id and hash of the last appended audit row (detects rows cut off the end). */
export const AUDIT_HEAD_TABLE = 'plume_audit_head'
/** Trigger that refuses UPDATE, DELETE and TRUNCATE on plume_audit. */
export const AUDIT_TRIGGER = 'plume_audit_append_only'
/** Audit entries of transactions that have not committed yet (moved into the chain at commit). */
export const AUDIT_PENDING_TABLE = 'plume_audit_pending'
/** Deferred constraint trigger that chains a transaction's pending entries as it commits. */
export const AUDIT_SEAL_TRIGGER = 'plume_audit_seal_at_commit'
/** `pg_advisory_xact_lock` key serialising the sealing (the migrator uses 7205113001). */
export const AUDIT_LOCK_KEY = 7205113002
const SETUP_LOCK_KEY = 7205113003

const TABLES = [
  `
create table if not exists ${AUDIT_TABLE} (
  id bigserial primary key,
  at timestamptz not null,
  actor_id text,
  actor text,
  via text not null,
  action text not null,
  entity text,
  record_id text,
  changes jsonb,
  request_id text,
  ip text,
  prev_hash text not null,
  hash text not null
)`,
  `create index if not exists plume_audit_entity_record_idx on ${AUDIT_TABLE} (entity, record_id, id)`,
  `create index if not exists plume_audit_actor_idx on ${AUDIT_TABLE} (actor_id, id)`,
  `create index if not exists plume_audit_at_idx on ${AUDIT_TABLE} (at)`,
  `create table if not exists ${AUDIT_HEAD_TABLE} (
  id integer primary key check (id = 1),
  last_id bigint not null,
  last_hash text not null
)`,
  `create table if not exists ${AUDIT_PENDING_TABLE} (
  id bigserial primary key,
  entries jsonb not null
)`,
]

const GUARD = `
create or replace function plume_audit_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'plume_audit is append-only: % is not allowed', tg_op using errcode = '42501';
end
$$;`

/**
 * Appending is two steps so that no lock is held across a client round trip. During the
 * transaction `plume_audit_append` only stages the entries (no lock, no chain). As the
 * transaction commits, a deferred constraint trigger seals them: it takes the audit lock (held
 * only for the rest of the commit, inside the server), reads the head, inserts each row with
 * hash = sha256(prev_hash || content) and moves the head. The chain therefore follows commit
 * order, ids follow the chain, and a rolled-back transaction leaves nothing behind.
 */
// PL/pgSQL, not SQL: PostgreSQL plans a SQL function's statement on every call, PL/pgSQL once per connection
const APPEND = `
create or replace function plume_audit_append(entries jsonb) returns void language plpgsql as $$
begin
  if jsonb_array_length($1) > 0 then
    insert into ${AUDIT_PENDING_TABLE} (entries) values ($1);
  end if;
end
$$;`

const SEAL = `
create or replace function plume_audit_seal() returns trigger language plpgsql as $$
declare
  prev text;
  e jsonb;
  new_id bigint;
begin
  perform pg_advisory_xact_lock(${AUDIT_LOCK_KEY});
  select last_hash into prev from ${AUDIT_HEAD_TABLE} where id = 1;
  if prev is null then
    select hash into prev from ${AUDIT_TABLE} order by id desc limit 1;
  end if;
  prev := coalesce(prev, repeat('0', 64));
  for e in select value from jsonb_array_elements(new.entries) loop
    insert into ${AUDIT_TABLE} (at, actor_id, actor, via, action, entity, record_id, changes, request_id, ip, prev_hash, hash)
    values ((e->>'at')::timestamptz, e->>'actorId', e->>'actor', e->>'via', e->>'action', e->>'entity', e->>'recordId',
            nullif(e->'changes', 'null'::jsonb), e->>'requestId', e->>'ip',
            prev, encode(sha256(convert_to(prev || (e->>'content'), 'UTF8')), 'hex'))
    returning id, hash into new_id, prev;
  end loop;
  if new_id is not null then
    insert into ${AUDIT_HEAD_TABLE} (id, last_id, last_hash) values (1, new_id, prev)
    on conflict (id) do update set last_id = excluded.last_id, last_hash = excluded.last_hash;
  end if;
  delete from ${AUDIT_PENDING_TABLE} where id = new.id;
  return null;
end
$$;`

/**
 * Creates the audit table, its head, the append function and the append-only trigger
 * (idempotent; instances starting together take turns). The application's role owns the table,
 * so the trigger is what stops it from rewriting history; a DBA can additionally grant it only
 * SELECT and INSERT (docs/audit.md).
 */
export async function ensureAuditSchema(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [SETUP_LOCK_KEY])
    for (const sql of TABLES) await trx.raw(sql)
    await trx.raw(GUARD)
    // an older install's append took the lock itself: replace it only after the seal exists
    await trx.raw(SEAL)
    await trx.raw(APPEND)
    const has = async (name: string, table: string) =>
      (
        (await trx.raw('select 1 from pg_trigger where tgname = ? and tgrelid = ?::regclass', [
          name,
          table,
        ])) as { rows: unknown[] }
      ).rows.length > 0
    if (!(await has(AUDIT_TRIGGER, AUDIT_TABLE))) {
      await trx.raw(
        `create trigger ${AUDIT_TRIGGER} before update or delete or truncate on ${AUDIT_TABLE} for each statement execute function plume_audit_refuse_change()`,
      )
    }
    if (!(await has(AUDIT_SEAL_TRIGGER, AUDIT_PENDING_TABLE))) {
      await trx.raw(
        `create constraint trigger ${AUDIT_SEAL_TRIGGER} after insert on ${AUDIT_PENDING_TABLE} deferrable initially deferred for each row execute function plume_audit_seal()`,
      )
    }
  })
}
