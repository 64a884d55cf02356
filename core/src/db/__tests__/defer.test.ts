import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectTestDatabase } from '../../testing/index.js'
import type { Database } from '../connect.js'
import { begin, commit, defer, deferredFailure, inTransaction } from '../commit.js'
import { isDatabaseUnavailable } from '../../errors/db-errors.js'
import { prepared } from '../prepared.js'

let db: Database

beforeAll(async () => {
  db = await connectTestDatabase()
  await db.knex.raw(
    'create table ledger (id serial primary key, amount int not null check (amount >= 0), note text)',
  )
})
afterAll(() => db?.close())

const rows = async () =>
  (await db.knex('ledger').orderBy('id').select('amount', 'note')) as Array<{
    amount: number
    note: string | null
  }>

/** The socket of a transaction's connection (PostgreSQL). */
async function socketOf(trx: { client: unknown }): Promise<net.Socket> {
  const conn = await (
    trx.client as { acquireConnection(): Promise<{ connection: { stream: net.Socket } }> }
  ).acquireConnection()
  return conn.connection.stream
}

/** What happens on `socket` while `fn` runs: `w` a write to the kernel, `r` an answer read. */
async function socketEvents(socket: net.Socket, fn: () => Promise<void>): Promise<Array<'w' | 'r'>> {
  const events: Array<'w' | 'r'> = []
  const proto = net.Socket.prototype as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>
  const orig = { _write: proto._write, _writev: proto._writev }
  for (const m of ['_write', '_writev'] as const) {
    proto[m] = function (this: unknown, ...a: unknown[]) {
      if (this === socket) events.push('w')
      return orig[m].apply(this, a)
    }
  }
  const read = () => void events.push('r')
  socket.on('data', read)
  try {
    await fn()
  } finally {
    Object.assign(proto, orig)
    socket.off('data', read)
  }
  return events
}

/**
 * Round trips on `socket` while `fn` runs: a run of writes followed by the answers is one; a
 * statement sent only after the previous answer arrived makes another.
 */
async function roundTrips(socket: net.Socket, fn: () => Promise<void>): Promise<number> {
  const events = await socketEvents(socket, fn)
  return events.filter((e, i) => e === 'w' && events[i - 1] !== 'w').length
}

describe('deferred writes and pipelined transactions', () => {
  it('commits deferred writes with the transaction', async () => {
    await db.knex('ledger').delete()
    const trx = await begin(db.knex)
    await defer(trx, trx('ledger').insert({ amount: 1, note: 'a' }))
    await defer(trx, prepared(trx, trx('ledger').insert({ amount: 2, note: 'b' })))
    await trx('ledger').insert({ amount: 3, note: 'c' })
    await commit(trx)
    expect(await rows()).toEqual([
      { amount: 1, note: 'a' },
      { amount: 2, note: 'b' },
      { amount: 3, note: 'c' },
    ])
  })

  it('a deferred write that fails fails the commit with its own error, and nothing of the transaction is kept', async () => {
    await db.knex('ledger').delete()
    const trx = await begin(db.knex)
    await trx('ledger').insert({ amount: 5, note: 'before' })
    const refused = await defer(trx, trx('ledger').insert({ amount: -1, note: 'refused by the check' })).then(
      () => null,
      (e: unknown) => e,
    )
    if (db.kind === 'postgres') {
      // not waited for: the failure shows at the commit
      expect(refused).toBeNull()
      await defer(trx, trx('ledger').insert({ amount: 6, note: 'after' }))
      await expect(commit(trx)).rejects.toMatchObject({ code: '23514' })
      expect(deferredFailure(trx)).toMatchObject({ code: '23514' })
    } else {
      // PGlite runs one statement at a time: the write is waited for
      expect(refused).toMatchObject({ code: '23514' })
    }
    await trx.rollback().catch(() => undefined)
    expect(await rows()).toEqual([])
  })

  it('names the failed deferred write as the cause when a later statement fails for it (PostgreSQL)', async ({
    skip,
  }) => {
    if (db.kind !== 'postgres') skip()
    await db.knex('ledger').delete()
    const trx = await begin(db.knex)
    await defer(trx, trx('ledger').insert({ amount: -1 }))
    // the next statement finds the transaction aborted
    const later = await trx('ledger')
      .insert({ amount: 1 })
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(later).toMatchObject({ code: '25P02' })
    expect(deferredFailure(trx)).toMatchObject({ code: '23514' })
    await trx.rollback().catch(() => undefined)
    expect(await rows()).toEqual([])
  })

  it('waits for the write in a transaction whose commit is not commit()', async () => {
    await db.knex('ledger').delete()
    await expect(
      db.knex.transaction(async (trx) => {
        await defer(trx, trx('ledger').insert({ amount: -1 }))
      }),
    ).rejects.toMatchObject({ code: '23514' })
    await db.knex.transaction(async (trx) => {
      await defer(trx, trx('ledger').insert({ amount: 7 }))
      // the write has been answered: the row is there before the commit
      expect(await trx('ledger').count({ n: '*' }).first()).toMatchObject({
        n: db.kind === 'postgres' ? '1' : 1,
      })
    })
    expect(await rows()).toEqual([{ amount: 7, note: null }])
  })

  it('sends deferred writes and the COMMIT in one round trip (PostgreSQL)', async ({ skip }) => {
    if (db.kind !== 'postgres') skip()
    await db.knex('ledger').delete()
    const trx = await begin(db.knex)
    await trx('ledger').insert({ amount: 0, note: 'warm' })
    const trips = await roundTrips(await socketOf(trx), async () => {
      await defer(trx, trx('ledger').insert({ amount: 1 }))
      await defer(trx, prepared(trx, trx('ledger').insert({ amount: 2 })))
      await defer(trx, trx('ledger').where('amount', 0).update({ note: 'seen' }))
      await commit(trx)
    })
    expect(trips).toBe(1)
    expect((await rows()).map((r) => r.amount)).toEqual([0, 1, 2])
  })

  it('without defer, each write waits for its answer (the baseline the test above beats)', async ({
    skip,
  }) => {
    if (db.kind !== 'postgres') skip()
    const trx = await db.knex.transaction()
    const trips = await roundTrips(await socketOf(trx), async () => {
      await defer(trx, trx('ledger').insert({ amount: 1 }))
      await defer(trx, trx('ledger').insert({ amount: 2 }))
      await trx.rollback()
    })
    expect(trips).toBe(3)
  })

  it('sends the statements of one round trip in one write to the socket (PostgreSQL)', async ({ skip }) => {
    if (db.kind !== 'postgres') skip()
    await db.knex('ledger').delete()
    const trx = await begin(db.knex)
    await trx('ledger').insert({ amount: 0, note: 'warm' })
    const events = await socketEvents(await socketOf(trx), async () => {
      await defer(trx, trx('ledger').insert({ amount: 1 }))
      await defer(trx, trx('ledger').insert({ amount: 2 }))
      await defer(trx, trx('ledger').insert({ amount: 3 }))
      await commit(trx)
    })
    // three inserts and the COMMIT, each Parse/Bind/Execute/Sync: one system call, not one or two per statement
    expect(events.filter((e) => e === 'w')).toHaveLength(1)
    expect((await rows()).map((r) => r.amount)).toEqual([0, 1, 2, 3])
  })

  it('a BEGIN sent without waiting that fails fails the transaction with its own error (PostgreSQL)', async ({
    skip,
  }) => {
    if (db.kind !== 'postgres') skip()
    await db.knex('ledger').delete()
    // the next connection handed out loses its socket before the transaction's BEGIN is written
    const pool = (
      db.knex.client as {
        pool: {
          on(e: string, fn: (...a: unknown[]) => void): void
          removeListener(e: string, fn: (...a: unknown[]) => void): void
        }
      }
    ).pool
    let armed = true
    const cut = (_id: unknown, conn: unknown) => {
      if (!armed) return
      armed = false
      ;(conn as { connection: { stream: net.Socket } }).connection.stream.destroy()
    }
    pool.on('acquireSuccess', cut)
    let ran = false
    const err = await inTransaction(db.knex, async (trx) => {
      ran = true
      await defer(trx, trx('ledger').insert({ amount: 1, note: 'lost' }))
      await trx('ledger').insert({ amount: 2, note: 'lost' })
    }).catch((e: unknown) => e)
    pool.removeListener('acquireSuccess', cut)
    expect(armed).toBe(false)
    // the work did start (BEGIN was not waited for), and what the caller sees is the lost connection
    expect(ran).toBe(true)
    expect(isDatabaseUnavailable(err), String(err)).toBe(true)
    expect(await rows()).toEqual([])
    // the pool replaces the broken connection
    await inTransaction(db.knex, async (trx) => {
      await trx('ledger').insert({ amount: 3, note: 'after' })
    })
    expect(await rows()).toEqual([{ amount: 3, note: 'after' }])
  })
})
