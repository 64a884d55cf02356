import { BadRequest, Conflict, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { statement, type Statement } from '../db/prepared.js'
import { toClientError } from '../errors/db-errors.js'
import { parseQuery, type ParsedQuery } from './query.js'
import { applyFilter, type RowScope } from './sql.js'
import { foldTitles, joinTitles, titleJoins, type TitleSource } from './titles.js'

export type Row = Record<string, unknown>

export interface Paginated<T = Row> {
  total: number
  limit: number
  skip: number
  data: T[]
  /** `$total=estimate` answered with the planner's estimate, not an exact count. */
  totalEstimated?: true
}

/** What Plume adds to Feathers params; hooks (permissions, transactions) fill them in. */
export interface EntityParams extends Params {
  /** Run inside this transaction (set by the transaction hook for writes). */
  transaction?: Knex.Transaction
  /** Row-level condition from the permission layer, pushed into SQL. */
  scope?: RowScope
  /** Fields the caller may not see: removed from results, refused in queries. */
  hidden?: ReadonlySet<string>
  /** Lock the row(s) read by get (`FOR UPDATE`), for read-modify-write in plugins. */
  forUpdate?: boolean
  /** `false` to return every row of a find (internal use only; bounded by `maxLimit`). */
  paginate?: false
  /** Set by `bulkWrite` (bulk.ts): the create's INSERT joins its chunk's multi-row INSERT. */
  bulk?: BulkSlot
}

/** Where a bulk-written create or patch hands its row (encoded, as SQL takes it) and gets it back stored. */
export interface BulkSlot {
  insert(table: string, values: Row, columns: string[], db: Knex | Knex.Transaction): Promise<Row>
  /** The patch's UPDATE joins its chunk's; undefined when it updated nothing (gone, or out of scope). */
  update?(req: BulkUpdate): Promise<Row | undefined>
  /** The stored row (undecoded) as the chunk read and locked it before its calls ran, if it did. */
  before?(table: string, key: number): Row | undefined
}

/** One patch handed to a bulk slot: `one()` is the service's own UPDATE of this record alone. */
export interface BulkUpdate {
  table: string
  versioned: boolean
  key: number
  values: Row
  scope?: RowScope
  columns: string[]
  db: Knex | Knex.Transaction
  one(): Promise<Row | undefined>
}

/** Transforms field values on their way to SQL and back (field encryption, core/src/crypto). */
export interface RowCodec {
  /** Called on the columns of every write, in place. */
  encode(row: Row): Row
  /** Called on every row read or returned by a write, in place. */
  decode(row: Row): Row
}

export interface EntityServiceOptions {
  defaultLimit?: number
  maxLimit?: number
}

const ID = /^\d{1,10}$/
/** Below this many rows an exact count is cheap, and users notice an estimate that is off. */
const ESTIMATE_FROM = 10_000

/**
 * The one generic service behind every entity: find/get/create/update/patch/remove on Knex, with
 * whitelisted queries, optimistic concurrency on `version`, and database errors turned into
 * client-safe Feathers errors. A plugin's custom service is a short subclass or a hook.
 * @example app.use('api/customers', new EntityService(knex, customerDefinition))
 */
export class EntityService {
  /** Feathers (and authentication) read the id field name from here. */
  readonly id = 'id'
  readonly entity: EntityDefinition
  readonly knex: Knex
  readonly columns: string[]
  readonly defaultLimit: number
  readonly maxLimit: number
  private readonly fieldNames: string[]
  /** `type: number` fields stored as numeric (percent): the driver returns text, clients expect numbers. */
  private readonly numericNumbers: string[]
  /** Set by the encryption layer (`setupAudit`) when the entity has encrypted fields. */
  codec?: RowCodec
  /** Set by the app (`registerEntityService`): where `$titles` finds targets and the reader's access. */
  titles?: TitleSource
  /** GET-by-id, prepared: the hot path does not go through the query builder or the planner. */
  private readonly getStatement: Statement

  constructor(knex: Knex, entity: EntityDefinition, opts: EntityServiceOptions = {}) {
    this.knex = knex
    this.entity = entity
    this.fieldNames = entity.fieldOrder
    // writeOnly fields (passwords) are never selected
    this.columns = entity.fieldOrder.filter((n) => entity.fields[n]?.schema.writeOnly !== true)
    this.numericNumbers = Object.values(entity.fields)
      .filter((f) => f.type === 'number' && f.column.startsWith('numeric'))
      .map((f) => f.name)
    this.defaultLimit = opts.defaultLimit ?? 25
    this.maxLimit = opts.maxLimit ?? 500
    this.getStatement = statement(
      `get_${entity.table}`,
      knex(entity.table).select(this.columns).where('id', 0).limit(1).toSQL().sql,
    )
  }

  db(params?: EntityParams): Knex | Knex.Transaction {
    return params?.transaction ?? this.knex
  }

  protected selectColumns(params?: EntityParams, select?: string[]): string[] {
    const hidden = params?.hidden
    const cols = select ?? this.columns
    return hidden && hidden.size ? cols.filter((c) => !hidden.has(c)) : cols
  }

  protected parseId(id: NullableId): number {
    if (id === null || id === undefined)
      throw new MethodNotAllowed('Operations on several records at once are not allowed here')
    const text = String(id)
    if (!ID.test(text))
      throw new BadRequest(`Invalid id "${text.slice(0, 40)}": must be a positive integer`, {
        errors: [{ path: '/id', message: 'must be a positive integer' }],
      })
    return Number(text)
  }

  /** Gives rows the JSON types their schema promises. */
  protected shape<T extends Row | undefined>(row: T): T {
    if (row) for (const n of this.numericNumbers) if (typeof row[n] === 'string') row[n] = Number(row[n])
    if (row && this.codec) this.codec.decode(row)
    return row
  }

  protected shapeAll(rows: Row[]): Row[] {
    if (this.numericNumbers.length || this.codec) for (const r of rows) this.shape(r)
    return rows
  }

  protected fail(err: unknown): never {
    throw toClientError(err, this.fieldNames)
  }

  parse(params?: EntityParams): ParsedQuery {
    return parseQuery(this.entity, params?.query as Record<string, unknown> | undefined, {
      defaultLimit: this.defaultLimit,
      maxLimit: this.maxLimit,
      maxIn: this.maxLimit,
      hidden: params?.hidden,
    })
  }

  async find(params?: EntityParams): Promise<Paginated | Row[]> {
    const q = this.parse(params)
    const db = this.db(params)
    const cols = this.selectColumns(params, q.select)
    const base = () => {
      const qb = db(this.entity.table)
      if (params?.scope) qb.where(params.scope)
      applyFilter(qb, q.filter)
      return qb
    }
    // `$titles`: the referenced records' titles in the same statement, under the reader's rights
    const titles =
      q.titles.length && this.titles ? await titleJoins(this.titles, this.entity, q.titles, params ?? {}) : []
    const rowsOf = (limit: number) => {
      const t = this.entity.table
      const qb = base()
        .select(titles.length ? cols.map((c) => `${t}.${c}`) : cols)
        .orderBy(this.orderBy(q))
        .limit(limit)
        .offset(q.skip)
      joinTitles(db, qb, t, titles)
      return qb.then((rows: Row[]) => (foldTitles(rows, titles), rows))
    }
    try {
      if (params?.paginate === false) return this.shapeAll(await rowsOf(this.maxLimit))
      const page = () => rowsOf(q.limit)
      const count = () => base().count({ c: '*' }) as Promise<Row[]>
      // an unfiltered, unscoped find may answer with the planner's estimate (no full count)
      const unfiltered = !params?.scope && q.filter.conditions.length === 0 && q.filter.or.length === 0
      const estimate = q.total === 'estimate' && unfiltered ? await this.estimateRows(db) : undefined
      if (estimate !== undefined) {
        const data = q.limit === 0 ? [] : ((await page()) as Row[])
        return {
          total: estimate,
          limit: q.limit,
          skip: q.skip,
          data: this.shapeAll(data),
          totalEstimated: true,
        }
      }
      let rows: Row[]
      let total = -1
      if (!q.total) rows = (await page()) as Row[]
      else if (params?.transaction || q.limit === 0) {
        // one connection: run them one after the other
        rows = q.limit === 0 ? [] : ((await page()) as Row[])
        total = Number((await count())[0]?.c ?? 0)
      } else {
        // the page and its count on two pooled connections at once
        const [r, c] = await Promise.all([page(), count()])
        rows = r
        total = Number(c[0]?.c ?? 0)
      }
      return { total, limit: q.limit, skip: q.skip, data: this.shapeAll(rows) }
    } catch (err) {
      this.fail(err)
    }
  }

  /**
   * The table's row count as the planner sees it (`pg_class.reltuples` scaled to the table's
   * current size), or undefined when it is small or never analysed: then an exact count is used.
   */
  private async estimateRows(db: Knex | Knex.Transaction): Promise<number | undefined> {
    const res = (await db.raw(
      `select case when c.reltuples < 0 then -1
                   when c.relpages = 0 then c.reltuples
                   else c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int) end as n
         from pg_class c where c.oid = to_regclass(?)`,
      [this.entity.table],
    )) as { rows: Array<{ n: unknown }> }
    const n = Math.round(Number(res.rows[0]?.n ?? -1))
    return Number.isFinite(n) && n >= ESTIMATE_FROM ? n : undefined
  }

  private orderBy(q: ParsedQuery): Array<{ column: string; order: 'asc' | 'desc' }> {
    const order = q.sort.map(([column, dir]) => ({ column, order: dir }))
    // a stable order makes pages deterministic
    if (!q.sort.some(([c]) => c === 'id')) order.push({ column: 'id', order: 'asc' })
    return order
  }

  async get(id: Id, params?: EntityParams): Promise<Row> {
    const key = this.parseId(id)
    let row: Row | undefined
    try {
      if (!params?.scope && !params?.hidden?.size && !params?.forUpdate) {
        row = (await this.getStatement.rows(params?.transaction ?? this.knex, [key, 1]))[0]
      } else {
        const qb = this.db(params)(this.entity.table)
          .select(this.selectColumns(params))
          .where('id', key)
          .first()
        if (params?.scope) qb.where(params.scope)
        if (params?.forUpdate) qb.forUpdate()
        row = (await qb) as Row | undefined
      }
    } catch (err) {
      this.fail(err)
    }
    if (!row) throw new NotFound(`No ${this.entity.name} with id ${key}`)
    return this.shape(row)
  }

  async create(data: Row, params?: EntityParams): Promise<Row> {
    if (Array.isArray(data))
      throw new BadRequest('Create one record per request', {
        errors: [{ path: '', message: 'must be an object' }],
      })
    const values = this.writable(data)
    try {
      if (params?.bulk)
        return this.shape(
          await params.bulk.insert(this.entity.table, values, this.selectColumns(params), this.db(params)),
        )
      const rows = (await this.db(params)(this.entity.table)
        .insert(values)
        .returning(this.selectColumns(params))) as Row[]
      return this.shape(rows[0]!)
    } catch (err) {
      this.fail(err)
    }
  }

  async update(id: NullableId, data: Row, params?: EntityParams): Promise<Row> {
    const key = this.parseId(id)
    const values: Row = {}
    // PUT replaces the record: absent optional fields go back to their default (or null)
    for (const f of Object.values(this.entity.fields)) {
      if (f.serverManaged || (f.readOnly && !(f.name in data))) continue
      values[f.name] = f.name in data ? data[f.name] : (f.default ?? null)
    }
    return this.write(key, values, data.version, params)
  }

  async patch(id: NullableId, data: Row, params?: EntityParams): Promise<Row> {
    const key = this.parseId(id)
    // write() filters and encodes the columns (once: encoding twice would double-encrypt)
    return this.write(key, data, data.version, params)
  }

  async remove(id: NullableId, params?: EntityParams): Promise<Row> {
    const key = this.parseId(id)
    try {
      const qb = this.db(params)(this.entity.table).where('id', key)
      if (params?.scope) qb.where(params.scope)
      const rows = (await qb.delete().returning(this.selectColumns(params))) as Row[]
      if (!rows[0]) throw new NotFound(`No ${this.entity.name} with id ${key}`)
      return this.shape(rows[0])
    } catch (err) {
      this.fail(err)
    }
  }

  /** Only known, non-server-managed columns reach SQL (hooks may set read-only ones). */
  protected writable(data: Row): Row {
    const out: Row = {}
    for (const [k, v] of Object.entries(data)) {
      const f = this.entity.fields[k]
      if (!f || f.serverManaged) continue
      out[k] = f.type === 'object' || f.type === 'array' ? (v === null ? null : JSON.stringify(v)) : v
    }
    return this.codec ? this.codec.encode(out) : out
  }

  private async write(
    key: number,
    values: Row,
    expectedVersion: unknown,
    params?: EntityParams,
  ): Promise<Row> {
    const db = this.db(params)
    const data = this.writable(values)
    const columns = this.selectColumns(params)
    const one = async () => {
      const set: Row = { ...data, updatedAt: db.fn.now() }
      if (this.entity.versioned) set.version = db.raw('?? + 1', ['version'])
      const qb = db(this.entity.table).where('id', key)
      if (params?.scope) qb.where(params.scope)
      if (this.entity.versioned && expectedVersion !== undefined)
        qb.where('version', expectedVersion as number)
      return ((await qb.update(set).returning(columns)) as Row[])[0]
    }
    try {
      // in a bulk write, a patch without an expected version joins its chunk's UPDATE
      const row =
        params?.bulk?.update && expectedVersion === undefined
          ? await params.bulk.update({
              table: this.entity.table,
              versioned: this.entity.versioned === true,
              key,
              values: data,
              scope: params.scope,
              columns,
              db,
              one,
            })
          : await one()
      if (row) return this.shape(row)
    } catch (err) {
      this.fail(err)
    }
    // nothing updated: either the record is missing (or outside the caller's scope), or the version moved on
    const current = await this.get(key, { ...params, query: {} })
    throw new Conflict(
      `Version conflict: ${this.entity.name} ${key} is at version ${String(current.version)}, the change was based on version ${String(expectedVersion)}. Reload and try again.`,
      { currentVersion: current.version, errors: [{ path: '/version', message: 'is out of date' }] },
    )
  }
}
