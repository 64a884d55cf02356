import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { announceAfterCommit } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

/**
 * A raw write announced inside a nested transaction (a savepoint) is told once the OUTERMOST
 * transaction commits — at the savepoint's release the row is not committed yet — and never
 * when the outer transaction rolls back.
 */
let p: TestPlatform
let knex: Knex
let tierId: number
const seen: string[] = []

beforeAll(async () => {
  p = await startTestPlatform()
  knex = p.app.get('db').knex
  const tier = (await p.app.service('api/partner-tiers').create({ code: 'T1', name: 'Gold', rank: 1 })) as {
    id: number
  }
  tierId = tier.id
  p.app.service('api/partners').on('created', (row: { code: string }) => void seen.push(row.code))
})
afterAll(() => p?.close())

/** Inserts a partner by raw SQL in a savepoint of `outer` and announces it there. */
async function writeNested(outer: Knex.Transaction, code: string): Promise<void> {
  const inner = await outer.transaction()
  try {
    const [row] = (await inner('partners')
      .insert({ code, name: code, kind: 'distributor', tierId })
      .returning('id')) as {
      id: number
    }[]
    announceAfterCommit(p.app, inner, 'partner', 'created', [row!.id])
    await inner.commit()
  } catch (err) {
    await outer.rollback() // never leave the (single PGlite) connection in a transaction
    throw err
  }
}

/** Resolves at the next `created` event of a partner with `code`. */
function nextCreated(code: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (row: { code: string }): void => {
      if (row.code !== code) return
      p.app.service('api/partners').off('created', on)
      resolve()
    }
    p.app.service('api/partners').on('created', on)
  })
}

describe('announceAfterCommit in a nested transaction', () => {
  it('announces the record once the outer transaction has committed', async () => {
    const arrived = nextCreated('NEST-OK')
    const outer = await knex.transaction()
    await writeNested(outer, 'NEST-OK')
    await outer.commit()
    await arrived
    expect(seen.filter((c) => c === 'NEST-OK')).toEqual(['NEST-OK'])
  })

  it('announces nothing when the outer transaction rolls back', async () => {
    const outer = await knex.transaction()
    await writeNested(outer, 'NEST-GONE')
    await outer.rollback()
    // a later, committed write is announced; the rolled-back one never was
    const marker = nextCreated('NEST-AFTER')
    await p.app
      .service('api/partners')
      .create({ code: 'NEST-AFTER', name: 'after', kind: 'distributor', tierId })
    await marker
    expect(seen).not.toContain('NEST-GONE')
    expect((await knex('partners').where({ code: 'NEST-GONE' })).length).toBe(0)
  })
})
