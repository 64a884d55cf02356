import type { Knex } from 'knex'
import type { BulkSlot, BulkUpdate, Row } from './entity-service.js'

interface Waiting<T> {
  req: T
  resolve(row: Row | undefined): void
  reject(err: unknown): void
}

interface Insert {
  values: Row
  columns: string[]
}

const insertOne = async (
  db: Knex | Knex.Transaction,
  table: string,
  values: Row,
  columns: string[],
): Promise<Row> => ((await db(table).insert(values).returning(columns)) as Row[])[0]!

/** A value `json_populate_recordset` turns into its column's type as the row-by-row UPDATE would. */
const plain = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v)

/**
 * The meeting point of one chunk's service calls: every call runs its whole hook chain
 * (permissions, validation, plugin hooks, audit, automation) and stops at its SQL write; once
 * every call of the chunk has arrived there or finished otherwise, the creates go to the database
 * in one multi-row INSERT and the patches in one `UPDATE … FROM json_populate_recordset(…)` per
 * set of columns and row scope, and each call goes on with its own stored row. A failed statement
 * is retried row by row behind savepoints, so the error reaches the row that caused it.
 */
export class Barrier {
  private inserts: Array<Waiting<Insert>> = []
  private updates: Array<Waiting<BulkUpdate>> = []
  private done = 0
  private readonly arrived = new WeakSet<BulkSlot>()
  private readonly updating = new Set<number>()

  constructor(
    private readonly table: string,
    private readonly trx: Knex.Transaction,
    private readonly expected: number,
    /** The table's json/jsonb columns: the service hands their values in as JSON text. */
    private readonly jsonColumns: ReadonlySet<string>,
    /** Rows read (locked) with the chunk, by id: the audit trail's row before a patch. */
    private readonly locked: ReadonlyMap<number, Row> = new Map(),
  ) {}

  slot(): BulkSlot {
    const slot: BulkSlot = {
      insert: (table, values, columns, db) => {
        // a nested create (another entity, or a second one of this call) is written at once
        if (!this.mine(slot, table, db)) return insertOne(db, table, values, columns)
        return this.wait(slot, this.inserts, { values, columns }) as Promise<Row>
      },
      update: (req) => {
        // the same record twice in one chunk, or values SQL cannot take as JSON: written at once
        const batchable =
          this.mine(slot, req.table, req.db) &&
          !this.updating.has(req.key) &&
          Object.values(req.values).every(plain)
        if (!batchable) return req.one()
        this.updating.add(req.key)
        return this.wait(slot, this.updates, req)
      },
      before: (table, key) => {
        const row = table === this.table ? this.locked.get(key) : undefined
        return row && { ...row }
      },
    }
    return slot
  }

  /** A call of the chunk has finished (after its write, or without reaching it). */
  settle(slot: BulkSlot): void {
    if (this.arrived.has(slot)) return
    this.done++
    this.check()
  }

  private mine(slot: BulkSlot, table: string, db: Knex | Knex.Transaction): boolean {
    return !this.arrived.has(slot) && table === this.table && db === this.trx
  }

  private wait<T>(slot: BulkSlot, list: Array<Waiting<T>>, req: T): Promise<Row | undefined> {
    this.arrived.add(slot)
    return new Promise<Row | undefined>((resolve, reject) => {
      list.push({ req, resolve, reject })
      this.check()
    })
  }

  private check(): void {
    const waiting = this.inserts.length + this.updates.length
    if (waiting + this.done < this.expected || waiting === 0) return
    const [inserts, updates] = [this.inserts, this.updates]
    this.inserts = []
    this.updates = []
    this.done += waiting
    // whatever fails outside a statement fails every waiting call (a settled one stays settled)
    this.flush(inserts, updates).catch((err: unknown) => {
      for (const w of [...inserts, ...updates]) w.reject(err)
    })
  }

  private async flush(inserts: Array<Waiting<Insert>>, updates: Array<Waiting<BulkUpdate>>): Promise<void> {
    if (inserts.length) await this.insertMany(inserts)
    const groups = new Map<string, Array<Waiting<BulkUpdate>>>()
    for (const w of updates) {
      const key = this.groupOf(w.req)
      groups.set(key, [...(groups.get(key) ?? []), w])
    }
    for (const list of groups.values()) await this.updateMany(list)
  }

  /** Patches go together when they set the same columns, return the same ones and share one row scope. */
  private groupOf(req: BulkUpdate): string {
    const scope = req.scope ? this.trx.queryBuilder().where(req.scope).toSQL().toNative() : undefined
    return JSON.stringify([Object.keys(req.values), req.columns, scope?.sql, scope?.bindings])
  }

  /** Runs `many` behind a savepoint; when it fails, each item's own statement behind its own. */
  private async batch<T>(
    list: Array<Waiting<T>>,
    many: () => Promise<Map<Waiting<T>, Row | undefined>>,
    one: (req: T) => Promise<Row | undefined>,
  ): Promise<void> {
    try {
      await this.trx.raw('savepoint plume_bulk')
      const rows = await many()
      await this.trx.raw('release savepoint plume_bulk')
      for (const w of list) w.resolve(rows.get(w))
    } catch {
      await this.trx.raw('rollback to savepoint plume_bulk').catch(() => undefined)
      for (const w of list) {
        try {
          await this.trx.raw('savepoint plume_bulk_row')
          const row = await one(w.req)
          await this.trx.raw('release savepoint plume_bulk_row')
          w.resolve(row)
        } catch (err) {
          await this.trx.raw('rollback to savepoint plume_bulk_row').catch(() => undefined)
          w.reject(err)
        }
      }
    }
  }

  private insertMany(list: Array<Waiting<Insert>>): Promise<void> {
    const columns = [...new Set(['id', ...list[0]!.req.columns])]
    return this.batch(
      list,
      async () => {
        const rows = (await this.trx(this.table)
          .insert(list.map((w) => w.req.values))
          .returning(columns)) as Row[]
        // ids come from the sequence in VALUES order: sorted by id, rows are in the order sent
        rows.sort((a, b) => Number(a.id) - Number(b.id))
        return new Map(list.map((w, i) => [w, rows[i]]))
      },
      (req) => insertOne(this.trx, this.table, req.values, req.columns),
    )
  }

  /**
   * One UPDATE for patches of one group: the new values travel as one JSON array, typed by the
   * table's own row type; the row scope is the caller's, as each row's own UPDATE would apply it.
   * A record the UPDATE does not return (gone, or outside the scope) answers undefined: the
   * service then says why, as after its own UPDATE.
   */
  private updateMany(list: Array<Waiting<BulkUpdate>>): Promise<void> {
    const first = list[0]!.req
    const set = Object.keys(first.values)
    const returning = [...new Set(['id', ...first.columns])]
    const payload = () =>
      list.map((w) => {
        const row: Row = { ...w.req.values, id: w.req.key }
        for (const c of set)
          if (this.jsonColumns.has(c) && typeof row[c] === 'string') row[c] = JSON.parse(row[c] as string)
        return row
      })
    const scope = first.scope ? this.trx(this.table).select('id').where(first.scope) : undefined
    const sql = [
      `update ?? as t set ${[...set.map(() => '?? = v.??'), '"updatedAt" = current_timestamp'].join(', ')}`,
      first.versioned ? ', "version" = t."version" + 1' : '',
      ` from json_populate_recordset(null::??, ?::json) as v where t.id = v.id`,
      scope ? ' and t.id in ?' : '',
      ` returning ${returning.map(() => 't.??').join(', ')}`,
    ].join('')
    return this.batch(
      list,
      async () => {
        const bindings = [
          this.table,
          ...set.flatMap((c) => [c, c]),
          this.table,
          JSON.stringify(payload()),
          ...(scope ? [scope] : []),
          ...returning,
        ]
        const res = (await this.trx.raw(sql, bindings)) as { rows: Row[] }
        const byId = new Map(res.rows.map((r) => [Number(r.id), r]))
        return new Map(list.map((w) => [w, byId.get(w.req.key)]))
      },
      (req) => req.one(),
    )
  }
}
