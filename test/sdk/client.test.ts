import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import {
  auth,
  createClient,
  createItem,
  deleteItem,
  isPlumeError,
  login,
  logout,
  readItem,
  readItems,
  realtime,
  rest,
  runAction,
  updateItem,
  type PlumeError,
  type RealtimeClient,
} from '../../sdk/src/index.js'
import { sdkFixture, VEHICLE, vehicles, type SdkFixture } from './fixture.js'

/**
 * `@plume/sdk` against a real server: sign-in by password and API key, CRUD with typed errors,
 * actions, realtime with partner isolation and re-authentication after a reconnect.
 */

let p: TestPlatform
let f: SdkFixture
const open: Array<{ disconnect(): void }> = []

beforeAll(async () => {
  p = await startTestPlatform({
    extraEntities: [{ source: 'test/sdk/vehicle.json', raw: VEHICLE }],
    plugins: [vehicles],
  })
  f = await sdkFixture(p)
})
afterAll(async () => {
  for (const c of open) c.disconnect()
  await p?.close()
})

const caught = async (work: Promise<unknown>): Promise<PlumeError> => {
  try {
    await work
  } catch (e) {
    if (isPlumeError(e)) return e
    throw e
  }
  throw new Error('expected a PlumeError')
}

/** Records one subscription's events; `until` resolves when a matching one arrives (or has). */
function inbox<R extends { id: number }>(
  client: RealtimeClient,
  collection: string,
  event: 'patched' | 'created',
) {
  const seen: R[] = []
  let waiting: Array<{ test(r: R): boolean; resolve(r: R): void }> = []
  const off = client.subscribe(collection, event, (r) => {
    const record = r as unknown as R
    seen.push(record)
    waiting = waiting.filter((w) => (w.test(record) ? (w.resolve(record), false) : true))
  })
  const until = (test: (r: R) => boolean) => {
    const found = seen.find(test)
    return found ? Promise.resolve(found) : new Promise<R>((resolve) => waiting.push({ test, resolve }))
  }
  return { seen, until, off }
}

const partnerClient = (email: string, password: string) => {
  const c = createClient(p.url).with(rest()).with(auth({ email, password })).with(realtime())
  open.push(c)
  return c
}

describe('signing in', () => {
  it('logs in with e-mail and password on the first call and keeps the tokens', async () => {
    const client = createClient(p.url)
      .with(rest())
      .with(auth({ email: p.adminEmail, password: p.adminPassword }))
    expect(client.session.accessToken).toBeUndefined()
    const page = await client.request(readItems('customers', { $limit: 1 }))
    expect(page).toMatchObject({ limit: 1, skip: 0 })
    expect(client.session.accessToken).toMatch(/^eyJ/)
    expect(client.session.refreshToken).toMatch(/^plmr_/)
    // the login command does the same explicitly; logout revokes the token on the server
    const other = createClient(p.url).with(rest())
    const r = await other.request(login(f.partnerEmail, f.partnerPassword))
    expect(r.user).toMatchObject({ email: f.partnerEmail, partnerId: f.partnerId })
    const token = other.session.accessToken!
    await other.request(logout())
    expect(other.session.accessToken).toBeUndefined()
    const revoked = await caught(
      createClient(p.url).with(rest()).with(auth({ token })).request(readItems('customers')),
    )
    expect(revoked).toMatchObject({ code: 401, className: 'not-authenticated' })
  })

  it("sends an API key as X-Api-Key and sees only what the key's partner may", async () => {
    const admin = createClient(p.url)
      .with(rest())
      .with(auth({ token: f.token }))
    const created = await admin.request(
      createItem('api-keys', { name: 'SDK test', partnerId: f.partnerId, roles: ['partner_user'] }),
    )
    const key = String(created.key)
    expect(key).toMatch(/^plm_/)
    const client = createClient(p.url)
      .with(rest())
      .with(auth({ apiKey: key }))
    const page = await client.request(readItems('customers', { $sort: { code: 1 } }))
    expect(page.data.map((c) => c.code)).toEqual(['C-SDK'])
    const bad = await caught(
      createClient(p.url)
        .with(rest())
        .with(auth({ apiKey: `${key.slice(0, -4)}AAAA` }))
        .request(readItems('customers')),
    )
    expect(bad).toBeInstanceOf(Error)
    expect(bad).toMatchObject({ code: 401, name: 'NotAuthenticated' })
  })
})

describe('CRUD with typed errors', () => {
  const admin = () =>
    createClient(p.url)
      .with(rest())
      .with(auth({ email: p.adminEmail, password: p.adminPassword }))

  it('creates, reads, filters, patches with a version and deletes a customer', async () => {
    const client = admin()
    const c = await client.request(
      createItem('customers', { code: 'sdk-crud', name: 'SDK Crud', creditLimit: '5000.00' }),
    )
    expect(c).toMatchObject({ code: 'SDK-CRUD', creditLimit: '5000.00', version: 1 })
    expect((await client.request(readItem('customers', c.id, { $select: ['code', 'name'] }))).name).toBe(
      'SDK Crud',
    )
    const page = await client.request(
      readItems('customers', { code: { $in: ['SDK-CRUD', 'NONE'] }, $select: ['id', 'code'] }),
    )
    expect(page.data).toEqual([{ id: c.id, code: 'SDK-CRUD' }])
    const patched = await client.request(updateItem('customers', c.id, { name: 'SDK Crud Ltd', version: 1 }))
    expect(patched).toMatchObject({ name: 'SDK Crud Ltd', version: 2 })

    const stale = await caught(client.request(updateItem('customers', c.id, { name: 'Stale', version: 1 })))
    expect(stale).toMatchObject({ code: 409, className: 'conflict', name: 'Conflict' })
    expect(stale.message).toMatch(/version/i)

    expect((await client.request(deleteItem('customers', c.id))).id).toBe(c.id)
    expect(await caught(client.request(readItem('customers', c.id)))).toMatchObject({
      code: 404,
      className: 'not-found',
    })
  })

  it('turns a validation error into a PlumeError with field paths', async () => {
    const e = await caught(
      admin().request(createItem('customers', { code: 'SDK-BAD', creditLimit: 'lots', bogus: 1 })),
    )
    expect(e).toMatchObject({ code: 400, className: 'bad-request', name: 'BadRequest' })
    const fields = e.fieldErrors()
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['/name', '/creditLimit', '/bogus']))
    expect(e.fieldError('creditLimit')).toEqual(expect.any(String))
    expect(e.errors.every((x) => x.path.startsWith('/') && x.message.length > 0)).toBe(true)
    expect(JSON.stringify(e)).not.toMatch(/select |insert |at .*\.ts/i)
  })
})

describe('actions and realtime', () => {
  const newOrder = (customerId: number, quantity: number) => ({
    customerId,
    warehouseId: f.warehouseId,
    lines: [{ productId: f.products.widget, quantity }],
  })

  it('creates an order with lines, submits it, and only its partner hears of it', async () => {
    const buyer = partnerClient(f.partnerEmail, f.partnerPassword)
    const other = partnerClient(f.other.email, f.other.password)
    await Promise.all([buyer.connect(), other.connect()])
    const mine = inbox<{ id: number; status: string; partnerId: number }>(buyer, 'orders', 'patched')
    const theirs = inbox<{ id: number; status: string; partnerId: number }>(other, 'orders', 'patched')

    const order = await buyer.request(createItem('orders', newOrder(f.customerId, 12)))
    expect(order).toMatchObject({ status: 'draft', partnerId: f.partnerId, subtotal: '93.24' })
    const submitted = await buyer.request(runAction('orders', order.id, 'submit', {}))
    expect(submitted).toMatchObject({ id: order.id, status: 'submitted' })
    expect(await mine.until((o) => o.id === order.id && o.status === 'submitted')).toMatchObject({
      partnerId: f.partnerId,
    })

    // the other partner's own submit arrives on its socket; the first partner's event never did
    const own = await other.request(createItem('orders', newOrder(f.other.customerId, 1)))
    await other.request(runAction('orders', own.id, 'submit'))
    await theirs.until((o) => o.id === own.id && o.status === 'submitted')
    expect(theirs.seen.every((o) => o.partnerId === f.other.partnerId)).toBe(true)
    expect(theirs.seen.map((o) => o.id)).not.toContain(order.id)

    // an action the state does not allow is a typed 409
    const again = await caught(buyer.request(runAction('orders', order.id, 'submit')))
    expect(again).toMatchObject({ code: 409 })
    mine.off()
    theirs.off()
  })

  it('signs the socket in again after it reconnects', async () => {
    const buyer = partnerClient(f.partnerEmail, f.partnerPassword)
    await buyer.connect()
    const events = inbox<{ id: number; status: string }>(buyer, 'orders', 'patched')
    const order = await buyer.request(createItem('orders', newOrder(f.customerId, 1)))
    const firstId = buyer.socket.id

    // drop the transport under the socket: socket.io reconnects with a new server-side connection
    const reconnected = new Promise<void>((resolve) => buyer.socket.once('connect', () => resolve()))
    buyer.socket.io.engine.close()
    await reconnected
    await buyer.authenticated()
    expect(buyer.socket.id).not.toBe(firstId)

    // an anonymous connection would get no order events: this one does, so it signed in again
    await buyer.request(runAction('orders', order.id, 'submit'))
    expect(await events.until((o) => o.id === order.id && o.status === 'submitted')).toMatchObject({
      id: order.id,
    })
    events.off()
  })

  it('refuses realtime for an API key with a typed error (the server takes keys on REST only)', async () => {
    const c = createClient(p.url)
      .with(rest())
      .with(auth({ apiKey: 'plm_x' }))
      .with(realtime())
    open.push(c)
    expect(await caught(c.connect())).toMatchObject({
      code: 401,
      message: expect.stringMatching(/REST only/),
    })
  })
})

describe('a custom entity through the SDK', () => {
  it('creates a vehicle and runs its action', async () => {
    const client = createClient(p.url)
      .with(rest())
      .with(auth({ token: f.token }))
    const v = await client.request(createItem('vehicles', { plate: 'SDK-1', capacityKg: 900 }))
    expect(v).toMatchObject({ plate: 'SDK-1', odometerKm: 0 })
    expect(await client.request(runAction('vehicles', v.id, 'service', { kilometres: 1200 }))).toMatchObject({
      odometerKm: 1200,
    })
    const bad = await caught(client.request(runAction('vehicles', v.id, 'service', { kilometres: -1 })))
    expect(bad.code).toBe(400)
    expect(bad.errors.map((x) => x.path)).toContain('/kilometres')
  })
})

describe('the type generator', () => {
  const dir = join('test', 'sdk', '.tmp', `gen-${process.pid}`)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('writes types of the live instance, custom entity and action included, that compile and type the client', async () => {
    await mkdir(dir, { recursive: true })
    const out = join(dir, 'plume-types.ts')
    const sdk = relative(dir, 'sdk/src').split('\\').join('/')
    const run = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'sdk/src/generate/cli.ts',
      'generate',
      '--url',
      p.url,
      '--out',
      out,
      '--types-module',
      `${sdk}/types.js`,
    ])
    expect(run.stdout).toMatch(/^wrote /)
    const source = await readFile(out, 'utf8')
    expect(source).toContain('export interface Vehicle {')
    expect(source).toMatch(/export interface VehicleData \{[^}]*plate: string[^}]*capacityKg\?: number/)
    expect(source).toContain('vehicles: { row: Vehicle; create: VehicleData; patch: VehiclePatch }')
    expect(source).toMatch(/vehicles: \{\s*service: \{\s*kilometres: number\s*note\?: string \| null/)
    expect(source).toContain('customers: { row: Customer; create: CustomerData; patch: CustomerPatch }')

    // a program using the types: right calls compile, wrong ones are errors (else @ts-expect-error fails)
    const usage = join(dir, 'usage.ts')
    await writeFile(
      usage,
      [
        `import { createClient, rest, readItems, createItem, updateItem, runAction } from '${sdk}/index.js'`,
        `import type { Schema } from './plume-types.js'`,
        `const client = createClient<Schema>('http://127.0.0.1:3030').with(rest())`,
        `export async function use(): Promise<number> {`,
        `  const v = await client.request(createItem('vehicles', { plate: 'X-1', capacityKg: 10 }))`,
        `  const page = await client.request(readItems<Schema, 'vehicles'>('vehicles', { plate: { $like: 'X%' }, $sort: { plate: 1 } }))`,
        `  const plate: string = page.data[0]?.plate ?? v.plate`,
        `  await client.request(updateItem('vehicles', v.id, { capacityKg: 20 }))`,
        `  await client.request(runAction('vehicles', v.id, 'service', { kilometres: 5 }))`,
        `  // @ts-expect-error plate is a string`,
        `  await client.request(createItem('vehicles', { plate: 1 }))`,
        `  // @ts-expect-error no such field`,
        `  await client.request(updateItem('vehicles', v.id, { colour: 'red' }))`,
        `  // @ts-expect-error kilometres is required`,
        `  await client.request(runAction('vehicles', v.id, 'service', {}))`,
        `  // @ts-expect-error no such action`,
        `  await client.request(runAction('vehicles', v.id, 'fly', {}))`,
        `  // @ts-expect-error no such collection`,
        `  await client.request(readItems('spaceships'))`,
        `  return plate.length`,
        `}`,
        '',
      ].join('\n'),
    )
    const program = ts.createProgram([usage], {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
      noEmit: true,
    })
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
    expect(problems).toEqual([])
  })
})
