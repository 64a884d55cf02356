import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { TestPlatform } from './types.js'
import { SampleRecords, type SampleOverrides } from './samples.js'

type Row = Record<string, unknown>

/** What the conformance suites run against; built once per test file (see `conformanceWorld`). */
export interface ConformanceWorld {
  platform: TestPlatform
  samples: SampleRecords
  /** A user without any role, and a partner user of partner A (partner B also exists). */
  tokens: { admin: string; noRole: string; partnerA: string }
  partners: { a: number; b: number }
}

/** Why a generic case does not apply to an entity (each skipped case is reported as skipped). */
export interface ConformanceSkip {
  /** Clients cannot create it generically (written by the system or through an action). */
  create?: string
  /** Its records are immutable once created. */
  patch?: string
  /** Its records are never deleted. */
  remove?: string
}

/** Entities (by name) the generic cases do not apply to, with the reasons. */
export type ConformanceSkips = Record<string, ConformanceSkip>

export interface ConformanceOptions {
  /** The world, available once `beforeAll` has run (the suites register tests synchronously). */
  world: () => ConformanceWorld
  skip?: ConformanceSkip
  /** Extra fields a record owned by a partner needs (e.g. a partner role for a user). */
  owned?: Row
}

/**
 * A world for the conformance suites: an admin token, generated sample records, two partners,
 * a user with no role and a partner user of partner A.
 * @example const p = await startTestPlatform(); const world = await conformanceWorld(p)
 */
export async function conformanceWorld(
  platform: TestPlatform,
  overrides: SampleOverrides = {},
): Promise<ConformanceWorld> {
  const admin = await platform.login()
  const samples = new SampleRecords(platform, admin, overrides)
  const a = (await samples.create('partner')).id as number
  const b = (await samples.create('partner')).id as number
  const user = async (roles: string[], partnerId: number | null): Promise<string> => {
    const email = `conf-${randomBytes(4).toString('hex')}@conformance.test`
    const password = 'Conformance-Secret-1'
    await platform.app
      .service('api/users')
      .create({ email, name: email, password, roles, partnerId, active: true })
    return platform.login(email, password)
  }
  return {
    platform,
    samples,
    tokens: { admin, noRole: await user([], null), partnerA: await user(['partner_user'], a) },
    partners: { a, b },
  }
}

const idsOf = (body: unknown): unknown[] => ((body as { data?: Row[] })?.data ?? []).map((r) => r.id)

/**
 * The service contract every entity keeps (after Feathers' adapter-tests): create, get, find with
 * `$limit`/`$sort`/`$select`, patch with a stale version (409), an unknown field or query key
 * (400 naming it), remove.
 * @example describe('orders', () => entityServiceTests('order', { world: () => world }))
 */
export function entityServiceTests(entity: string, opts: ConformanceOptions): void {
  describe(`entity service ${entity}`, () => {
    const w = () => opts.world()
    const api = (method: string, path: string, body?: unknown) =>
      w().platform.http(method, path, body, w().tokens.admin)
    const base = () => `/api/${w().samples.entity(entity).plural}`
    let made: Row | undefined
    const record = async (): Promise<Row> => (made ??= await w().samples.create(entity))
    const test = opts.skip?.create ? it.skip : it
    const testPatch = opts.skip?.create || opts.skip?.patch ? it.skip : it
    const testRemove = opts.skip?.create || opts.skip?.remove ? it.skip : it

    test('creates a minimal record (201) and gets it back (200)', async () => {
      const r = await record()
      expect(typeof r.id).toBe('number')
      const got = await api('GET', `${base()}/${String(r.id)}`)
      expect(got.status, JSON.stringify(got.body)).toBe(200)
      expect(got.body.id).toBe(r.id)
    })

    test('finds with $limit, $sort and $select', async () => {
      const first = await record()
      const second = await w().samples.create(entity)
      const r = await api('GET', `${base()}?$limit=2&$sort[id]=-1&$select[]=id`)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(r.body.data).toHaveLength(2)
      expect(idsOf(r.body)).toEqual([second.id, first.id].sort((x, y) => Number(y) - Number(x)).slice(0, 2))
      expect(Object.keys(r.body.data[0])).not.toContain('createdAt')
    })

    test('refuses an unknown field with a 400 naming it', async () => {
      const body = await w().samples.data(entity, { zzNotAField: 1 })
      const created = await api('POST', base(), body)
      expect(created.status).toBe(400)
      expect(JSON.stringify(created.body)).toContain('zzNotAField')
    })

    it('refuses an unknown query key with a 400 naming it', async () => {
      const found = await api('GET', `${base()}?zzNotAKey=1`)
      expect(found.status).toBe(400)
      expect(JSON.stringify(found.body)).toContain('zzNotAKey')
    })

    testPatch('refuses a patch based on a stale version with a 409', async (ctx) => {
      if (!w().samples.entity(entity).versioned) ctx.skip()
      const r = await record()
      const stale = await api('PATCH', `${base()}/${String(r.id)}`, { version: Number(r.version) + 1000 })
      expect(stale.status, JSON.stringify(stale.body)).toBe(409)
    })

    testRemove('removes a record (then 404)', async () => {
      const r = await w().samples.create(entity)
      const removed = await api('DELETE', `${base()}/${String(r.id)}`)
      expect(removed.status, JSON.stringify(removed.body)).toBe(200)
      expect((await api('GET', `${base()}/${String(r.id)}`)).status).toBe(404)
    })
  })
}

/**
 * The access contract: no token → 401; a user with no role reads nothing (403, 404 or an empty
 * page); for an entity with a `partnerId`, a partner user never reads another partner's record.
 * @example permissionTests('order', { world: () => world })
 */
export function permissionTests(entity: string, opts: ConformanceOptions): void {
  describe(`permissions ${entity}`, () => {
    const w = () => opts.world()
    const as = (token: string | undefined, path: string) => w().platform.http('GET', path, undefined, token)
    const base = () => `/api/${w().samples.entity(entity).plural}`

    it('answers 401 without a token', async () => {
      expect((await as(undefined, base())).status).toBe(401)
      expect((await as(undefined, `${base()}/1`)).status).toBe(401)
    })

    const test = opts.skip?.create ? it.skip : it

    test('shows a user with no role nothing of it', async () => {
      const r = await w().samples.create(entity)
      const list = await as(w().tokens.noRole, base())
      expect([200, 403]).toContain(list.status)
      // (a user's own record, e.g. in users, may be visible to them: the new record is not)
      if (list.status === 200) expect(idsOf(list.body)).not.toContain(r.id)
      expect([403, 404]).toContain((await as(w().tokens.noRole, `${base()}/${String(r.id)}`)).status)
    })

    test("never shows a partner user another partner's record", async (ctx) => {
      const def = w().samples.entity(entity)
      const f = def.fields.partnerId
      if (!f || f.readOnly || f.serverManaged) ctx.skip()
      const r = await w().samples.create(entity, { ...opts.owned, partnerId: w().partners.b })
      expect(r.partnerId).toBe(w().partners.b)
      expect([403, 404]).toContain((await as(w().tokens.partnerA, `${base()}/${String(r.id)}`)).status)
      const list = await as(w().tokens.partnerA, `${base()}?id=${String(r.id)}`)
      expect([200, 403]).toContain(list.status)
      if (list.status === 200) expect(idsOf(list.body)).not.toContain(r.id)
    })
  })
}
