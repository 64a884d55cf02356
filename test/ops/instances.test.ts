import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  builtInEntityDirs,
  builtInGrants,
  startTestPlatform,
  testDatabase,
  type TestPlatform,
} from '@plume/core/testing'
import { SYNC_CHANNEL } from '../../core/src/ops/sync.js'
import { sealer } from '../../core/src/ops/seal.js'
import { freePort, RedisServer } from './redis.js'

/**
 * Two instances on one PostgreSQL database sharing service events through a real redis-server:
 * a socket on B hears of a change made through A, filtered per recipient as on one instance, and
 * Redis lost and back mid-test loses no write and stops no instance. PostgreSQL only (two
 * processes cannot share an embedded PGlite).
 */
const PASSWORD = 'Sync-Secret-123'
type Row = Record<string, unknown> & { id: number; code?: string }

let shared: Awaited<ReturnType<typeof testDatabase>>
let redis: RedisServer
let a: TestPlatform
let b: TestPlatform
let tokenA: string
let partners: { A: number; B: number }
const sockets: Socket[] = []

async function socketOn(p: TestPlatform, email: string): Promise<{ socket: Socket; seen: string[] }> {
  const socket = io(p.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  sockets.push(socket)
  await new Promise<void>((resolve, reject) =>
    socket.once('connect', () => resolve()).once('connect_error', reject),
  )
  await new Promise((resolve, reject) =>
    socket.emit(
      'create',
      'api/authentication',
      { strategy: 'local', email, password: PASSWORD },
      (err: unknown, r: unknown) => (err ? reject(new Error(JSON.stringify(err))) : resolve(r)),
    ),
  )
  const seen: string[] = []
  socket.on('api/customers created', (c: Row) => seen.push(String(c.code)))
  return { socket, seen }
}

/** Resolves once `seen` holds `code` (the socket heard of it), or rejects after `ms`. */
function heard(seen: string[], code: string, socket: Socket, ms = 20_000): Promise<void> {
  if (seen.includes(code)) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('api/customers created', on)
      reject(new Error(`${code} not received within ${ms} ms`))
    }, ms)
    const on = (c: Row) => {
      if (c.code !== code) return
      clearTimeout(timer)
      socket.off('api/customers created', on)
      resolve()
    }
    socket.on('api/customers created', on)
  })
}

const createCustomer = async (code: string, partnerId: number) => {
  const r = await a.http('POST', '/api/customers', { code, name: code, partnerId }, tokenA)
  expect(r.status).toBe(201)
  return r.body as Row
}

beforeAll(async () => {
  shared = await testDatabase()
  if (shared.kind !== 'postgres') return
  redis = new RedisServer(await freePort())
  await redis.start()
  process.env.REDIS_URL = redis.url
  // the entities of customers and partners only: a small world, quick to migrate twice
  const entityDirs = builtInEntityDirs().filter(
    (d) => !/[/\\]plugins[/\\]/.test(d) || /[/\\](crm|partners|orders|inventory)[/\\]entities$/.test(d),
  )
  // one deployment: one JWT secret (PLUME_JWT_SECRET or the database's), which also seals the events
  const opts = {
    database: shared.options,
    pluginDirs: [] as string[],
    plugins: [builtInGrants()],
    entityDirs,
    jwtSecret: randomBytes(24).toString('base64url'),
  }
  a = await startTestPlatform(opts)
  b = await startTestPlatform(opts)
  tokenA = await a.login()
  const svc = (name: string) => a.app.service(`api/${name}`)
  const tier = (await svc('partner-tiers').create({
    code: 'T1',
    name: 'Gold',
    rank: 1,
    discountPercent: 5,
  })) as Row
  partners = {
    A: (
      (await svc('partners').create({
        code: 'PA',
        name: 'Partner A',
        kind: 'distributor',
        tierId: tier.id,
      })) as Row
    ).id,
    B: (
      (await svc('partners').create({
        code: 'PB',
        name: 'Partner B',
        kind: 'reseller',
        tierId: tier.id,
      })) as Row
    ).id,
  }
  await svc('users').create({
    email: 'staff@sync.test',
    name: 'Staff',
    password: PASSWORD,
    roles: ['sales_manager'],
    active: true,
  })
  await svc('users').create({
    email: 'pa@sync.test',
    name: 'PA user',
    password: PASSWORD,
    roles: ['partner_user'],
    partnerId: partners.A,
    active: true,
  })
  await svc('users').create({
    email: 'pb@sync.test',
    name: 'PB user',
    password: PASSWORD,
    roles: ['partner_user'],
    partnerId: partners.B,
    active: true,
  })
}, 300_000)

afterAll(async () => {
  for (const s of sockets) s.close()
  delete process.env.REDIS_URL
  await b?.close()
  await a?.close()
  await redis?.kill()
  await shared?.drop()
})

describe('several instances share service events through Redis', () => {
  it("a socket on B receives a permitted event for a change made through A; another partner's socket does not", async ({
    skip,
  }) => {
    if (shared.kind !== 'postgres') return skip()
    const staffB = await socketOn(b, 'staff@sync.test')
    const partnerA = await socketOn(b, 'pa@sync.test')
    const partnerB = await socketOn(b, 'pb@sync.test')

    await createCustomer('SYNC-B1', partners.B)
    await Promise.all([
      heard(staffB.seen, 'SYNC-B1', staffB.socket),
      heard(partnerB.seen, 'SYNC-B1', partnerB.socket),
    ])
    // a later event for partner A: once partner A's socket has it, it would have had SYNC-B1 before it
    await createCustomer('SYNC-A1', partners.A)
    await heard(partnerA.seen, 'SYNC-A1', partnerA.socket)
    await heard(staffB.seen, 'SYNC-A1', staffB.socket)
    expect(partnerA.seen).toEqual(['SYNC-A1'])
    await createCustomer('SYNC-A2', partners.A)
    await heard(partnerA.seen, 'SYNC-A2', partnerA.socket)
    await heard(staffB.seen, 'SYNC-A2', staffB.socket)
    expect(partnerB.seen).toEqual(['SYNC-B1'])
    expect(staffB.seen).toEqual(['SYNC-B1', 'SYNC-A1', 'SYNC-A2'])
  })

  it("Redis carries no record in clear, and a message not sealed with the deployment's secret is dropped", async ({
    skip,
  }) => {
    if (shared.kind !== 'postgres') return skip()
    const staffB = await socketOn(b, 'staff@sync.test')
    const raw: string[] = []
    const spy = new Redis(redis.url)
    const other = new Redis(redis.url)
    try {
      spy.on('message', (_c: string, m: string) => raw.push(m))
      await spy.subscribe(SYNC_CHANNEL)
      const forged = {
        origin: 'intruder',
        path: 'api/customers',
        event: 'created',
        data: { id: 999_999, code: 'FORGED', name: 'F', partnerId: partners.A },
      }
      await other.publish(SYNC_CHANNEL, JSON.stringify(forged))
      await other.publish(
        SYNC_CHANNEL,
        sealer('another deployment').seal({ ...forged, data: { ...forged.data, code: 'FORGED-2' } }),
      )
      // a real event after the forged ones: once B's socket has it, it would have had those before
      await createCustomer('SYNC-SEALED', partners.A)
      await heard(staffB.seen, 'SYNC-SEALED', staffB.socket)
      expect(staffB.seen).toEqual(['SYNC-SEALED'])
      await expect.poll(() => raw.length).toBeGreaterThanOrEqual(3)
      for (const m of raw.slice(2)) expect(m).not.toMatch(/SYNC-SEALED|api\/customers/)
    } finally {
      spy.disconnect()
      other.disconnect()
    }
    const inB = (await b.app.get('metrics')!.realtimeSync.get()).values
    expect(
      inB.find((v) => v.labels.direction === 'in' && v.labels.outcome === 'failed')?.value,
    ).toBeGreaterThanOrEqual(2)
  })

  it('Redis killed and restarted: writes keep committing, no instance stops, events flow again', async ({
    skip,
  }) => {
    if (shared.kind !== 'postgres') return skip()
    const staffA = await socketOn(a, 'staff@sync.test')
    const staffB = await socketOn(b, 'staff@sync.test')
    await redis.kill()

    // Redis down: the write commits, A's own sockets still hear of it, B serves it over REST
    const during = await createCustomer('SYNC-DOWN', partners.A)
    await heard(staffA.seen, 'SYNC-DOWN', staffA.socket)
    const onB = await b.http('GET', `/api/customers/${during.id}`, undefined, await b.login())
    expect(onB.status).toBe(200)
    expect((onB.body as Row).code).toBe('SYNC-DOWN')
    expect((await a.http('GET', '/health')).status).toBe(200)
    expect((await b.http('GET', '/health')).status).toBe(200)

    await redis.start()
    // both connections reconnect on their own (every ≤ 2 s): write until B hears of one again
    let delivered: string | undefined
    for (let i = 0; i < 30 && !delivered; i++) {
      const code = `SYNC-UP-${i}`
      await createCustomer(code, partners.A)
      delivered = await heard(staffB.seen, code, staffB.socket, 2000).then(
        () => code,
        () => undefined,
      )
    }
    expect(delivered).toBeDefined()
    // and from then on every event arrives
    await createCustomer('SYNC-AFTER', partners.A)
    await heard(staffB.seen, 'SYNC-AFTER', staffB.socket)
    expect(staffB.seen).not.toContain('SYNC-DOWN')
    const sync = (await a.app.get('metrics')!.realtimeSync.get()).values
    expect(
      sync.find((v) => v.labels.direction === 'out' && v.labels.outcome === 'failed')?.value,
    ).toBeGreaterThanOrEqual(1)
  })
})
