/**
 * Saved list views on the server (`api/saved-views`): each user keeps their own; a view shared
 * with a role is seen, read only, by the users of that role and by nobody else.
 */
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let p: TestPlatform
let admin: string
const users: Record<string, { id: number; token: string }> = {}

async function user(key: string, roles: string[]): Promise<{ id: number; token: string }> {
  const email = `${key}@views.test`
  const r = await p.http(
    'POST',
    '/api/users',
    { email, name: key, password: 'View-Secret-123', roles, locale: 'en' },
    admin,
  )
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return { id: r.body.id as number, token: await p.login(email, 'View-Secret-123') }
}

beforeAll(async () => {
  p = await startTestPlatform()
  admin = await p.login()
  users.rep1 = await user('rep1', ['sales_rep'])
  users.rep2 = await user('rep2', ['sales_rep'])
  users.wh = await user('wh', ['warehouse'])
}, 400_000)
afterAll(() => p?.close())

type Row = Record<string, unknown>
const names = (body: { data: Row[] }) => body.data.map((v) => v.name).sort()

describe('saved views', () => {
  let shared: number
  let mine: number

  it('a user saves views for a list; the owner is the caller', async () => {
    const a = await p.http(
      'POST',
      '/api/saved-views',
      {
        name: 'Big orders',
        entity: 'order',
        query: { sort: '-total', 'f.status': 'submitted,approved' },
        columns: ['number', 'total'],
        sharedWithRole: 'sales_rep',
      },
      users.rep1!.token,
    )
    expect(a.status, JSON.stringify(a.body)).toBe(201)
    expect(a.body.ownerId).toBe(users.rep1!.id)
    shared = a.body.id as number
    const b = await p.http(
      'POST',
      '/api/saved-views',
      { name: 'My drafts', entity: 'order', query: { 'f.status': 'draft' }, columns: [] },
      users.rep1!.token,
    )
    expect(b.status).toBe(201)
    mine = b.body.id as number
  })

  it('a view shared with a role is seen by another user of that role, not by other roles', async () => {
    const own = await p.http('GET', '/api/saved-views?entity=order', undefined, users.rep1!.token)
    expect(names(own.body)).toEqual(['Big orders', 'My drafts'])
    const colleague = await p.http('GET', '/api/saved-views?entity=order', undefined, users.rep2!.token)
    expect(names(colleague.body)).toEqual(['Big orders'])
    expect(colleague.body.data[0].query).toEqual({ sort: '-total', 'f.status': 'submitted,approved' })
    const other = await p.http('GET', '/api/saved-views?entity=order', undefined, users.wh!.token)
    expect(other.body.data).toEqual([])
    expect((await p.http('GET', `/api/saved-views/${mine}`, undefined, users.rep2!.token)).status).toBe(404)
  })

  it("only the owner changes or removes a view; a colleague cannot, nor save one in another user's name", async () => {
    const patch = await p.http('PATCH', `/api/saved-views/${shared}`, { name: 'Hijacked' }, users.rep2!.token)
    expect([403, 404]).toContain(patch.status)
    const remove = await p.http('DELETE', `/api/saved-views/${shared}`, undefined, users.rep2!.token)
    expect([403, 404]).toContain(remove.status)
    const forged = await p.http(
      'POST',
      '/api/saved-views',
      { name: 'Forged', entity: 'order', ownerId: users.rep1!.id },
      users.rep2!.token,
    )
    expect(forged.status).toBe(403)
    const ok = await p.http(
      'PATCH',
      `/api/saved-views/${shared}`,
      { sharedWithRole: null },
      users.rep1!.token,
    )
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(
      (await p.http('GET', '/api/saved-views?entity=order', undefined, users.rep2!.token)).body.data,
    ).toEqual([])
  })

  it('bad input is a 400 naming the field', async () => {
    const r = await p.http(
      'POST',
      '/api/saved-views',
      { name: 'x', entity: 'order', query: { sort: 5 } },
      users.rep1!.token,
    )
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toMatch(/query/)
  })
})
