/**
 * What `GET /api/<plural>/:id/actions` offers matches what the action accepts: on the demo data,
 * for every entity with actions and every state it holds, each offered action is run (in-process,
 * the same path as REST, in a transaction that is rolled back afterwards) and must not answer 409.
 * PGlite; PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

let p: TestPlatform
let token: string
let admin: Record<string, unknown>

beforeAll(async () => {
  p = await startTestPlatform({ demo: true })
  token = await p.login()
  admin = (await p.db.knex('users').where('email', p.adminEmail).first()) as Record<string, unknown>
}, 600_000)
afterAll(async () => p?.close())

type Schema = {
  type?: unknown
  properties?: Record<string, Schema>
  required?: string[]
  enum?: unknown[]
  anyOf?: Schema[]
  minimum?: number
  minLength?: number
  format?: string
  items?: Schema
  minItems?: number
}

/** A value for `s` that its checks accept (required properties only). */
function sample(s: Schema): unknown {
  if (s.enum) return s.enum[0]
  if (s.anyOf) return sample(s.anyOf[0]!)
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type
  if (type === 'object' || s.properties)
    return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k] ?? {})]))
  if (type === 'array') return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}))
  if (type === 'integer' || type === 'number') return Math.max(s.minimum ?? 1, 1)
  if (type === 'boolean') return true
  if (s.format === 'date') return '2026-12-07'
  return 'Checked by the offered-actions test'
}

/** Bodies that need the record's own data (or a choice the generic sample cannot make). */
const special: Record<string, (id: number) => Promise<Record<string, unknown>>> = {
  'purchaseOrder.receive': async (id) => {
    const line = (await p.db
      .knex('purchase_order_lines')
      .where('purchaseOrderId', id)
      .whereRaw('"quantity" > "receivedQuantity"')
      .first('id')) as { id: number } | undefined
    return { lines: [{ lineId: line?.id ?? 1, quantity: 1 }] }
  },
  'ticket.assign': async () => ({ team: 'Support' }),
}

class Undo extends Error {}

/** Runs the action in a transaction that is always rolled back; the HTTP-style status of its answer. */
async function statusOf(
  entity: string,
  id: number,
  action: string,
  input: Record<string, unknown>,
): Promise<{ status: number; message: string }> {
  let out = { status: 200, message: '' }
  await p.db.knex
    .transaction(async (trx) => {
      try {
        await runAction(p.app, {
          entity,
          id,
          action,
          data: input,
          trx,
          trusted: true,
          params: { user: admin },
        })
      } catch (err) {
        const e = err as { code?: unknown; message?: string }
        out = { status: typeof e.code === 'number' ? e.code : 500, message: e.message ?? String(err) }
      }
      throw new Undo()
    })
    .catch((err: unknown) => {
      if (!(err instanceof Undo)) throw err
    })
  return out
}

describe('offered actions are accepted in the state they are offered in', () => {
  it(
    'every entity with actions, every state in the demo data: no offered action answers 409',
    { timeout: 900_000 },
    async () => {
      const actions = p.app.get('actions') as Map<string, Array<{ name: string; input?: Schema }>>
      const checked: string[] = []
      const conflicts: string[] = []
      const inputRefused: string[] = []
      for (const [name, list] of actions) {
        const entity = p.app.get('entities').get(name)!
        const hasStatus = 'status' in entity.fields
        const rows = (await p.db
          .knex(entity.table)
          .select('id', ...(hasStatus ? ['status'] : []))
          .orderBy('id')) as Array<{ id: number; status?: string }>
        // up to 3 records per state
        const perState = new Map<string, number[]>()
        for (const r of rows) {
          const key = String(r.status ?? '-')
          const ids = perState.get(key) ?? []
          if (ids.length < 3) perState.set(key, [...ids, r.id])
        }
        for (const [state, ids] of perState) {
          for (const id of ids) {
            const offered = await p.http('GET', `/api/${entity.plural}/${id}/actions`, undefined, token)
            expect(offered.status, JSON.stringify(offered.body)).toBe(200)
            for (const a of offered.body.actions as Array<{ name: string }>) {
              const def = list.find((x) => x.name === a.name)
              const input = special[`${name}.${a.name}`]
                ? await special[`${name}.${a.name}`]!(id)
                : (sample(def?.input ?? {}) as Record<string, unknown>)
              const r = await statusOf(name, id, a.name, input)
              const what = `${name} #${id} (${state}) ${a.name}: ${r.status} ${r.message}`
              checked.push(what)
              if (r.status === 409) conflicts.push(what)
              if (r.status === 400) inputRefused.push(what)
            }
          }
        }
      }
      // the demo data covers the entities the issue names
      const covered = new Set(checked.map((c) => c.split(' ')[0]))
      for (const e of ['order', 'invoice', 'ticket', 'purchaseOrder', 'payoutBatch'])
        expect([...covered], e).toContain(e)
      expect(inputRefused, 'sample bodies the action refused (the check says nothing about those)').toEqual(
        [],
      )
      expect(conflicts).toEqual([])
    },
  )

  it('reverse-commission is not offered on a draft order (it would answer 409)', async () => {
    const draft = (await p.db.knex('orders').where('status', 'draft').first('id')) as { id: number }
    const offered = await p.http('GET', `/api/orders/${draft.id}/actions`, undefined, token)
    expect(offered.body.actions.map((a: { name: string }) => a.name)).not.toContain('reverse-commission')
    expect((await statusOf('order', draft.id, 'reverse-commission', { reason: 'x' })).status).toBe(409)
  })
})
