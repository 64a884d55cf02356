import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import knex from 'knex'
import { pino } from 'pino'
import { connectDatabase, type Database, type DatabaseOptions } from '../db/connect.js'
import { pgliteTemplate } from '../db/pglite-template.js'
import { createPlatform, type PlatformOptions } from '../platform.js'
import type { TestPlatform } from './types.js'

/**
 * A database for one test file: a fresh database on the PostgreSQL server named by
 * `DATABASE_URL` (so parallel files never collide), or an in-memory PGlite.
 */
export async function testDatabase(): Promise<{
  options: DatabaseOptions
  drop(): Promise<void>
  kind: 'postgres' | 'pglite'
}> {
  const url = process.env.DATABASE_URL
  if (!url) {
    const template = await pgliteTemplate()
    return { options: { dataDir: 'memory', template }, drop: async () => undefined, kind: 'pglite' }
  }
  const name = `plume_t_${randomBytes(6).toString('hex')}`
  const admin = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
  await admin.raw(`create database ${name}`)
  await admin.destroy()
  const u = new URL(url)
  u.pathname = `/${name}`
  return {
    options: { url: u.toString(), pool: { max: Number(process.env.PLUME_DB_POOL_MAX) || 20 } },
    kind: 'postgres',
    async drop() {
      const a = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
      await a.raw(`drop database if exists ${name} with (force)`)
      await a.destroy()
    },
  }
}

/**
 * A database of its own for one test file, connected (see `testDatabase`); `close()` closes the
 * connections and drops it.
 * @example const db = await connectTestDatabase(); await db.knex.raw('create table t (id int)'); await db.close()
 */
export async function connectTestDatabase(): Promise<Database> {
  const t = await testDatabase()
  const db = await connectDatabase(t.options)
  return {
    ...db,
    async close() {
      await db.close()
      await t.drop()
    },
  }
}

export type { TestPlatform } from './types.js'

/**
 * Starts a whole platform on a throwaway database and a random loopback port.
 * @example const p = await startTestPlatform(); const token = await p.login(); await p.close()
 */
export async function startTestPlatform(opts: PlatformOptions = {}): Promise<TestPlatform> {
  const tdb = await testDatabase()
  const adminEmail = 'admin@test.local'
  const adminPassword = 'admin-Secret-123'
  const platform = await createPlatform({
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    jwtSecret: 'test-secret-' + randomBytes(8).toString('hex'),
    admin: { email: adminEmail, password: adminPassword },
    // tests start from empty tables; a suite that wants plugin demo data passes `demo: true`
    demo: false,
    ...opts,
    database: opts.database ?? tdb.options,
  })
  const server = await platform.listen(0, '127.0.0.1')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const http: TestPlatform['http'] = async (method, path, body, token, headers = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers }
  }
  return {
    ...platform,
    url,
    kind: tdb.kind,
    adminEmail,
    adminPassword,
    http,
    async login(email = adminEmail, password = adminPassword) {
      const r = await http('POST', '/api/authentication', { strategy: 'local', email, password })
      if (r.status !== 201) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`)
      return r.body.accessToken as string
    },
    async close() {
      await platform.close()
      await tdb.drop()
    },
  }
}

export { SampleRecords, sampleValue, type SampleOverrides } from './samples.js'
export { builtInEntityDirs, builtInGrantRules, builtInGrants } from './entity-dirs.js'
export {
  conformanceWorld,
  entityServiceTests,
  permissionTests,
  type ConformanceOptions,
  type ConformanceSkip,
  type ConformanceSkips,
  type ConformanceWorld,
} from './conformance.js'
