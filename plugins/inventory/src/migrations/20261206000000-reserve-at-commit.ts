import type { PluginMigration } from '@plume/core'

/** Reservations staged by `reserveAtCommit`, settled (and removed) as their transaction commits. */
export const PENDING_RESERVATIONS = 'plume_stock_reservations_pending'

/**
 * The settling trigger: a deferred constraint trigger, so it runs inside COMMIT. The stock level
 * is updated only when `onHand − reserved` covers the quantity (the CHECKs stay the last line of
 * defence); then one ledger row per line is written. A shortage raises `PC409` (core's DB_CONFLICT), which fails the
 * COMMIT (everything rolls back) and reaches the client as a 409 with the message and data.
 */
const SETTLE = `
create or replace function plume_settle_reservation() returns trigger language plpgsql as $$
declare
  total integer := (select sum(q) from unnest(new.quantities) q);
  avail integer;
  sku text;
  wh text;
  msg text;
begin
  update stock_levels set reserved = reserved + total, version = version + 1, "updatedAt" = now()
   where "productId" = new."productId" and "warehouseId" = new."warehouseId" and "onHand" - reserved >= total;
  if not found then
    select coalesce((select "onHand" - reserved from stock_levels where "productId" = new."productId" and "warehouseId" = new."warehouseId"), 0),
           coalesce((select p.sku from products p where p.id = new."productId"), new."productId"::text),
           coalesce((select w.code from warehouses w where w.id = new."warehouseId"), new."warehouseId"::text)
      into avail, sku, wh;
    msg := format('Insufficient stock for product %s in warehouse %s: requested %s, available %s', sku, wh, total, avail);
    raise exception using errcode = 'PC409', message = msg,
      detail = json_build_object('message', msg, 'data', json_build_object('productId', new."productId", 'warehouseId', new."warehouseId", 'requested', total, 'available', avail))::text;
  end if;
  insert into stock_movements ("productId", "warehouseId", quantity, kind, reference, "orderId", note, "occurredAt")
  select new."productId", new."warehouseId", q, 'reservation', new.reference, new."orderId", new.note, new."occurredAt" from unnest(new.quantities) q;
  delete from ${PENDING_RESERVATIONS} where id = new.id;
  return null;
end
$$;`

export const reserveAtCommitMigration: PluginMigration = {
  name: '20261206000000-reserve-at-commit',
  async up(_ctx, trx) {
    await trx.raw(`create table if not exists ${PENDING_RESERVATIONS} (
      id bigserial primary key,
      "productId" integer not null,
      "warehouseId" integer not null,
      quantities integer[] not null,
      "orderId" integer,
      reference text,
      note text,
      "occurredAt" timestamptz not null
    )`)
    await trx.raw(SETTLE)
    await trx.raw(`drop trigger if exists plume_settle_reservation on ${PENDING_RESERVATIONS}`)
    await trx.raw(`create constraint trigger plume_settle_reservation after insert on ${PENDING_RESERVATIONS}
      deferrable initially deferred for each row execute function plume_settle_reservation()`)
  },
}
