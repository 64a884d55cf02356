import { BadRequest, Conflict } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { PENDING_RESERVATIONS } from './migrations/20261206000000-reserve-at-commit.js'
import { announceAfterCommit, prepared, type PlumeApp } from '@plume/core'

/** Kinds of the stock ledger (`stock_movements.kind`). */
export type MovementKind =
  'receipt' | 'reservation' | 'release' | 'shipment' | 'adjustment' | 'transfer_in' | 'transfer_out'

/** One stock change for one product in one warehouse. `quantity` is a positive number of units. */
export interface StockChange {
  productId: number
  warehouseId: number
  quantity: number
  orderId?: number | null
  reference?: string | null
  note?: string | null
  /** When it happened (defaults to now): demo data and imports back-date movements. */
  occurredAt?: string | Date
}

/** An adjustment: `quantity` is signed (a stock count found 3 more: +3, 2 broken: −2). */
export type StockAdjustment = StockChange

export interface StockTransfer {
  productId: number
  fromWarehouseId: number
  toWarehouseId: number
  quantity: number
  reference?: string | null
  note?: string | null
}

/** The stock level after a change, plus the id of the ledger row written with it. */
export interface StockResult {
  productId: number
  warehouseId: number
  onHand: number
  reserved: number
  available: number
  version: number
  movementId: number
}

/**
 * The inventory API other plugins get through `ctx.use('inventory')`. Every call takes the
 * caller's transaction: the level update and its ledger row commit or roll back together.
 * Sign convention of the ledger: receipt/transfer_in/adjustment(+) raise on hand, shipment,
 * transfer_out and adjustment(−) lower it; reservation (+) and release (−) move `reserved`;
 * a shipment (−) lowers both on hand and reserved (it consumes a reservation).
 */
export interface InventoryApi {
  /** Reserves stock; 409 when `onHand − reserved` is short. Never oversells, whatever the concurrency. */
  reserve(trx: Knex.Transaction, c: StockChange): Promise<StockResult>
  /**
   * Reserves several lines of one warehouse at once (an order's submit): one statement that
   * locks the levels in product order (two orders never deadlock), updates them and writes one
   * ledger row per line; 409 naming the first short product, and then nothing is written.
   */
  reserveAll(trx: Knex.Transaction, lines: StockChange[]): Promise<StockResult[]>
  /**
   * Reserves the lines of one warehouse as `trx` commits (an order's submit): the levels are
   * locked only inside the COMMIT, never across a round trip to the application, so a hot
   * product's row is held for microseconds. Lines of a product add up; levels are settled in
   * product order (no deadlocks), one ledger row per line. A shortage fails the commit — nothing
   * is written — with a 409 naming the first short product. Until the commit the levels do not
   * show the reservation: call it last, when nothing in the transaction reads them again.
   */
  reserveAtCommit(trx: Knex.Transaction, lines: StockChange[]): Promise<void>
  /** Gives a reservation back. */
  release(trx: Knex.Transaction, c: StockChange): Promise<StockResult>
  /** Turns a reservation into a shipment: on hand and reserved both go down. */
  ship(trx: Knex.Transaction, c: StockChange): Promise<StockResult>
  /** Goods received: on hand goes up (the stock level is created when missing). */
  receive(trx: Knex.Transaction, c: StockChange): Promise<StockResult>
  /** A signed correction of on hand; never below what is reserved. */
  adjust(trx: Knex.Transaction, c: StockAdjustment): Promise<StockResult>
  /** Moves free stock between two warehouses (two ledger rows, one reference). */
  transfer(trx: Knex.Transaction, t: StockTransfer): Promise<{ from: StockResult; to: StockResult }>
  /** `onHand − reserved` (0 when there is no stock level). */
  available(db: Knex | Knex.Transaction, productId: number, warehouseId: number): Promise<number>
}

const RETURNING = `id, "productId", "warehouseId", "onHand", reserved, version`

interface LevelRow {
  id: number
  productId: number
  warehouseId: number
  onHand: number
  reserved: number
  version: number
  movementId: number | string
}

function assertQuantity(q: unknown, signed = false): asserts q is number {
  const ok =
    typeof q === 'number' && Number.isInteger(q) && Math.abs(q) <= 1_000_000_000 && (signed ? q !== 0 : q > 0)
  if (!ok) {
    throw new BadRequest(`Invalid quantity: must be a ${signed ? 'non-zero' : 'positive'} whole number`, {
      errors: [
        { path: '/quantity', message: signed ? 'must be a non-zero integer' : 'must be a positive integer' },
      ],
    })
  }
}

function assertIds(c: { productId: unknown; warehouseId?: unknown }): void {
  for (const key of ['productId', 'warehouseId'] as const) {
    const v = c[key]
    if (key in c && !(typeof v === 'number' && Number.isInteger(v) && v > 0)) {
      throw new BadRequest(`Invalid ${key}: must be a positive integer`, {
        errors: [{ path: `/${key}`, message: 'must be a positive integer' }],
      })
    }
  }
}

/** After the commit: the level's `created`/`patched` event and its ledger row's `created` event. */
function announceLevel(app: PlumeApp, trx: Knex.Transaction, row: LevelRow): void {
  announceAfterCommit(app, trx, 'stockLevel', row.version === 1 ? 'created' : 'patched', [row.id])
  announceAfterCommit(app, trx, 'stockMovement', 'created', [Number(row.movementId)])
}

/**
 * After the commit: events of what `reserveAtCommit` settled inside COMMIT — its levels (`patched`)
 * and, for an order, its reservation rows (`created`) — read once the commit has written them.
 */
function announceSettled(app: PlumeApp, trx: Knex.Transaction, rows: readonly StockChange[]): void {
  const knex = app.get('db').knex
  const productIds = rows.map((r) => r.productId)
  const { warehouseId, orderId } = rows[0]!
  announceAfterCommit(app, trx, 'stockLevel', 'patched', () =>
    ids(knex('stock_levels').where({ warehouseId }).whereIn('productId', productIds).pluck('id')),
  )
  if (orderId)
    announceAfterCommit(app, trx, 'stockMovement', 'created', () =>
      ids(
        knex('stock_movements')
          .where({ orderId, warehouseId, kind: 'reservation' })
          .whereIn('productId', productIds)
          .pluck('id'),
      ),
    )
}

const ids = async (q: PromiseLike<unknown[]>): Promise<number[]> => (await q).map(Number)

const toResult = (row: LevelRow): StockResult => ({
  productId: row.productId,
  warehouseId: row.warehouseId,
  onHand: row.onHand,
  reserved: row.reserved,
  available: row.onHand - row.reserved,
  version: row.version,
  movementId: Number(row.movementId),
})

/**
 * One statement: the conditional level update and, only when it matched, the ledger row.
 * One round trip keeps the row lock on a hot stock level as short as possible.
 */
async function change(
  trx: Knex.Transaction,
  set: string,
  condition: string,
  setBindings: Knex.RawBinding[],
  conditionBindings: Knex.RawBinding[],
  c: StockChange,
  kind: MovementKind,
  signed: number,
): Promise<LevelRow | undefined> {
  const sql = `with s as (
      update stock_levels set ${set}, version = version + 1, "updatedAt" = now()
      where "productId" = ? and "warehouseId" = ? and ${condition}
      returning ${RETURNING}
    ), m as (
      insert into stock_movements ("productId", "warehouseId", quantity, kind, reference, "orderId", note, "occurredAt")
      select "productId", "warehouseId", ?::integer, ?::text, ?::text, ?::integer, ?::text, ?::timestamptz from s
      returning id
    )
    select s.*, (select id from m) as "movementId" from s`
  const res = await trx.raw(sql, [
    ...setBindings,
    c.productId,
    c.warehouseId,
    ...conditionBindings,
    signed,
    kind,
    c.reference ?? null,
    c.orderId ?? null,
    c.note ?? null,
    occurred(c),
  ])
  return (res as { rows: LevelRow[] }).rows[0]
}

const occurred = (c: StockChange): string =>
  c.occurredAt instanceof Date ? c.occurredAt.toISOString() : (c.occurredAt ?? new Date().toISOString())

/** Labels for messages: `SKU-0001`, `WH-NORTH` (falls back to ids for unknown records). */
async function labels(
  db: Knex | Knex.Transaction,
  productId: number,
  warehouseId: number,
): Promise<{ sku: string; wh: string; level?: { onHand: number; reserved: number } }> {
  const res = await db.raw(
    `select (select sku from products where id = ?) as sku, (select code from warehouses where id = ?) as wh,
            (select json_build_object('onHand', "onHand", 'reserved', reserved) from stock_levels where "productId" = ? and "warehouseId" = ?) as level`,
    [productId, warehouseId, productId, warehouseId],
  )
  const row = (
    res as {
      rows: Array<{
        sku: string | null
        wh: string | null
        level: { onHand: number; reserved: number } | string | null
      }>
    }
  ).rows[0]
  const level =
    typeof row?.level === 'string'
      ? (JSON.parse(row.level) as { onHand: number; reserved: number })
      : (row?.level ?? undefined)
  return { sku: row?.sku ?? `#${productId}`, wh: row?.wh ?? `#${warehouseId}`, level }
}

/** The 409 every short reservation answers, with the figures a user can act on. */
export async function insufficientStock(db: Knex | Knex.Transaction, c: StockChange): Promise<Conflict> {
  const { sku, wh, level } = await labels(db, c.productId, c.warehouseId)
  const available = level ? level.onHand - level.reserved : 0
  return new Conflict(
    `Insufficient stock for product ${sku} in warehouse ${wh}: requested ${c.quantity}, available ${available}`,
    {
      productId: c.productId,
      warehouseId: c.warehouseId,
      requested: c.quantity,
      available,
    },
  )
}

/** `reserveAll` in one round trip; the lines share warehouse, order, reference and time. */
async function reserveLines(trx: Knex.Transaction, lines: StockChange[]): Promise<LevelRow[]> {
  const first = lines[0]!
  const values = lines.map(() => '(?::integer, ?::integer)').join(', ')
  // `l` locks the rows in product order before the update touches them (a one-time filter)
  const res = await trx.raw(
    `with v("productId", quantity) as (values ${values}),
     q as (select "productId", sum(quantity)::integer as quantity from v group by "productId"),
     l as (select sl."productId" from stock_levels sl where sl."warehouseId" = ? and sl."productId" in (select "productId" from q) order by sl."productId" for update),
     s as (
       update stock_levels sl set reserved = sl.reserved + q.quantity, version = sl.version + 1, "updatedAt" = now()
         from q where (select count(*) from l) >= 0 and sl."warehouseId" = ? and sl."productId" = q."productId" and sl."onHand" - sl.reserved >= q.quantity
       returning sl.${RETURNING.split(', ').join(', sl.')}
     ), m as (
       insert into stock_movements ("productId", "warehouseId", quantity, kind, reference, "orderId", note, "occurredAt")
       select v."productId", ?::integer, v.quantity, 'reservation', ?::text, ?::integer, ?::text, ?::timestamptz from v
        where (select count(*) from s) = (select count(*) from q)
       returning id, "productId"
     )
     select s.*, (select min(m.id) from m where m."productId" = s."productId") as "movementId" from s order by s."productId"`,
    [
      ...lines.flatMap((c) => [c.productId, c.quantity]),
      first.warehouseId,
      first.warehouseId,
      first.warehouseId,
      first.reference ?? null,
      first.orderId ?? null,
      first.note ?? null,
      occurred(first),
    ],
  )
  const rows = (res as { rows: LevelRow[] }).rows
  const done = new Set(rows.map((r) => r.productId))
  const short = lines.find((c) => !done.has(c.productId))
  if (short)
    throw await insufficientStock(trx, {
      ...short,
      quantity: lines.filter((c) => c.productId === short.productId).reduce((n, c) => n + c.quantity, 0),
    })
  return rows
}

/** Upsert for stock coming in: creates the level when the product was never stocked there. */
async function addOnHand(trx: Knex.Transaction, c: StockChange, kind: MovementKind): Promise<LevelRow> {
  const res = await trx.raw(
    `with s as (
       insert into stock_levels ("productId", "warehouseId", "onHand", reserved) values (?, ?, ?, 0)
       on conflict ("productId", "warehouseId") do update
         set "onHand" = stock_levels."onHand" + excluded."onHand", version = stock_levels.version + 1, "updatedAt" = now()
       returning ${RETURNING}
     ), m as (
       insert into stock_movements ("productId", "warehouseId", quantity, kind, reference, "orderId", note, "occurredAt")
       select "productId", "warehouseId", ?::integer, ?::text, ?::text, ?::integer, ?::text, ?::timestamptz from s
       returning id
     )
     select s.*, (select id from m) as "movementId" from s`,
    [
      c.productId,
      c.warehouseId,
      c.quantity,
      c.quantity,
      kind,
      c.reference ?? null,
      c.orderId ?? null,
      c.note ?? null,
      occurred(c),
    ],
  )
  return (res as { rows: LevelRow[] }).rows[0]!
}

/**
 * Builds the inventory API. Stateless: it only needs the caller's transaction.
 * @example const inv = createInventoryApi(); await inv.reserve(trx, { productId, warehouseId, quantity: 3, orderId })
 */
export function createInventoryApi(app?: PlumeApp): InventoryApi {
  // raw statements announce what they changed after the commit (realtime, filtered per recipient)
  const told = (trx: Knex.Transaction, row: LevelRow): StockResult => {
    if (app) announceLevel(app, trx, row)
    return toResult(row)
  }
  return {
    async reserve(trx, c) {
      assertIds(c)
      assertQuantity(c.quantity)
      const row = await change(
        trx,
        'reserved = reserved + ?',
        '"onHand" - reserved >= ?',
        [c.quantity],
        [c.quantity],
        c,
        'reservation',
        c.quantity,
      )
      if (!row) throw await insufficientStock(trx, c)
      return told(trx, row)
    },

    async reserveAtCommit(trx, lines) {
      const byProduct = new Map<number, StockChange & { quantities: number[] }>()
      for (const c of lines) {
        assertIds(c)
        assertQuantity(c.quantity)
        if (c.warehouseId !== lines[0]!.warehouseId)
          throw new BadRequest('reserveAtCommit: every line must be of one warehouse')
        const seen = byProduct.get(c.productId)
        if (seen) seen.quantities.push(c.quantity)
        else byProduct.set(c.productId, { ...c, quantities: [c.quantity] })
      }
      if (byProduct.size === 0) return
      // settled in insertion order: product order, as every other reservation locks them
      const rows = [...byProduct.values()].sort((a, b) => a.productId - b.productId)
      // one array per column, passed to the driver as one binding each (knex's binding type has no
      // arrays that hold nulls)
      const col = (f: (c: StockChange & { quantities: number[] }) => unknown) =>
        rows.map(f) as unknown as Knex.RawBinding
      // one statement text whatever the number of products (arrays, not a VALUES list): prepared once;
      // each product's quantities travel as an array literal (a cast, not a sub-select per row,
      // so PostgreSQL settles on one generic plan instead of planning it on every submit)
      await prepared(
        trx,
        trx.raw(
          `insert into ${PENDING_RESERVATIONS} ("productId", "warehouseId", quantities, "orderId", reference, note, "occurredAt")
         select p, w, q::integer[], o, r, n, t
           from unnest(?::integer[], ?::integer[], ?::text[], ?::integer[], ?::text[], ?::text[], ?::timestamptz[]) with ordinality as x(p, w, q, o, r, n, t, i)
          order by i`,
          [
            col((c) => c.productId),
            col((c) => c.warehouseId),
            col((c) => `{${c.quantities.join(',')}}`),
            col((c) => c.orderId ?? null),
            col((c) => c.reference ?? null),
            col((c) => c.note ?? null),
            col((c) => occurred(c)),
          ],
        ),
        'inventory_reserve_at_commit',
      )
      if (app) announceSettled(app, trx, rows)
    },
    async reserveAll(trx, lines) {
      for (const c of lines) {
        assertIds(c)
        assertQuantity(c.quantity)
        if (c.warehouseId !== lines[0]!.warehouseId)
          throw new BadRequest('reserveAll: every line must be of one warehouse')
      }
      if (lines.length === 0) return []
      if (lines.length === 1) return [await this.reserve(trx, lines[0]!)]
      return (await reserveLines(trx, lines)).map((row) => told(trx, row))
    },

    async release(trx, c) {
      assertIds(c)
      assertQuantity(c.quantity)
      const row = await change(
        trx,
        'reserved = reserved - ?',
        'reserved >= ?',
        [c.quantity],
        [c.quantity],
        c,
        'release',
        -c.quantity,
      )
      if (!row) {
        const { sku, wh, level } = await labels(trx, c.productId, c.warehouseId)
        throw new Conflict(
          `Cannot release ${c.quantity} of product ${sku} in warehouse ${wh}: only ${level?.reserved ?? 0} reserved`,
        )
      }
      return told(trx, row)
    },

    async ship(trx, c) {
      assertIds(c)
      assertQuantity(c.quantity)
      const row = await change(
        trx,
        '"onHand" = "onHand" - ?, reserved = reserved - ?',
        'reserved >= ?',
        [c.quantity, c.quantity],
        [c.quantity],
        c,
        'shipment',
        -c.quantity,
      )
      if (!row) {
        const { sku, wh, level } = await labels(trx, c.productId, c.warehouseId)
        throw new Conflict(
          `Cannot ship ${c.quantity} of product ${sku} from warehouse ${wh}: only ${level?.reserved ?? 0} reserved`,
        )
      }
      return told(trx, row)
    },

    async receive(trx, c) {
      assertIds(c)
      assertQuantity(c.quantity)
      return told(trx, await addOnHand(trx, c, 'receipt'))
    },

    async adjust(trx, c) {
      assertIds(c)
      assertQuantity(c.quantity, true)
      if (c.quantity > 0) return told(trx, await addOnHand(trx, c, 'adjustment'))
      const q = -c.quantity
      const row = await change(
        trx,
        '"onHand" = "onHand" - ?',
        '"onHand" - reserved >= ?',
        [q],
        [q],
        c,
        'adjustment',
        c.quantity,
      )
      if (!row) {
        const { sku, wh, level } = await labels(trx, c.productId, c.warehouseId)
        const free = level ? level.onHand - level.reserved : 0
        throw new Conflict(
          `Cannot remove ${q} of product ${sku} in warehouse ${wh}: only ${free} on hand are not reserved`,
        )
      }
      return told(trx, row)
    },

    async transfer(trx, t) {
      assertIds({ productId: t.productId, warehouseId: t.fromWarehouseId })
      assertIds({ productId: t.productId, warehouseId: t.toWarehouseId })
      assertQuantity(t.quantity)
      if (t.fromWarehouseId === t.toWarehouseId) {
        throw new BadRequest('Invalid transfer: source and destination warehouses are the same', {
          errors: [{ path: '/toWarehouseId', message: 'must differ from fromWarehouseId' }],
        })
      }
      const base = {
        productId: t.productId,
        quantity: t.quantity,
        reference: t.reference ?? null,
        note: t.note ?? null,
      }
      const out = { ...base, warehouseId: t.fromWarehouseId }
      // lock order by warehouse id: two opposite transfers cannot deadlock
      const first = Math.min(t.fromWarehouseId, t.toWarehouseId)
      let from: StockResult | undefined
      let to: StockResult | undefined
      for (const wh of first === t.fromWarehouseId ? ['from', 'to'] : ['to', 'from']) {
        if (wh === 'from') {
          const row = await change(
            trx,
            '"onHand" = "onHand" - ?',
            '"onHand" - reserved >= ?',
            [t.quantity],
            [t.quantity],
            out,
            'transfer_out',
            -t.quantity,
          )
          if (!row) throw await insufficientStock(trx, out)
          from = told(trx, row)
        } else {
          to = told(trx, await addOnHand(trx, { ...base, warehouseId: t.toWarehouseId }, 'transfer_in'))
        }
      }
      return { from: from!, to: to! }
    },

    async available(db, productId, warehouseId) {
      const row = (await db('stock_levels')
        .select('onHand', 'reserved')
        .where({ productId, warehouseId })
        .first()) as { onHand: number; reserved: number } | undefined
      return row ? row.onHand - row.reserved : 0
    },
  }
}
