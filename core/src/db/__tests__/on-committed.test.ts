import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onCommitted } from '../commit.js'
import { openTestDatabase, type TestDatabase } from './fixtures.js'

/** Lets every queued promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

let t: TestDatabase
beforeAll(async () => {
  t = await openTestDatabase()
})
afterAll(() => t?.close())

describe('onCommitted', () => {
  it('runs after a top-level commit, not after a rollback', async () => {
    const calls: string[] = []
    const a = await t.knex.transaction()
    onCommitted(a, () => calls.push('a'))
    await a.commit()
    const b = await t.knex.transaction()
    onCommitted(b, () => calls.push('b'))
    await b.rollback()
    await settle()
    expect(calls).toEqual(['a'])
  })

  it('waits for the outermost commit when the transaction is nested (a savepoint)', async () => {
    const calls: string[] = []
    const outer = await t.knex.transaction()
    const inner = await outer.transaction()
    onCommitted(inner, () => calls.push('inner'))
    await inner.commit() // the savepoint is released: nothing is committed yet
    await settle()
    expect(calls).toEqual([])
    await outer.commit()
    await settle()
    expect(calls).toEqual(['inner'])
  })

  it('never runs when an enclosing transaction rolls back', async () => {
    const calls: string[] = []
    const outer = await t.knex.transaction()
    const middle = await outer.transaction()
    const inner = await middle.transaction()
    onCommitted(inner, () => calls.push('inner'))
    await inner.commit()
    await middle.commit()
    await outer.rollback()
    await settle()
    expect(calls).toEqual([])
  })
})
