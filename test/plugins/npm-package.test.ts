import { spawn, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '@plume/core/testing'

/**
 * `npm start` loads a plugin published as an npm package (#13.17): the fixture in
 * test/fixtures/packed-plugin is packed with `npm pack`, unpacked into a project's node_modules
 * the way `npm install` lays it out, and the real start command runs in that project directory.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURE = join(REPO, 'test/fixtures/packed-plugin')
const PACKAGE = '@acme/plume-plugin-loyalty'
const ADMIN = { email: 'admin@npm-plugin.test', password: 'admin-Secret-123' }

let project: string

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'plume-project-'))
  execFileSync('npm', ['pack', FIXTURE, '--pack-destination', project, '--silent'], {
    cwd: project,
    stdio: 'pipe',
  })
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!
  const dest = join(project, 'node_modules', PACKAGE)
  mkdirSync(dest, { recursive: true })
  execFileSync('tar', ['-xzf', join(project, tarball), '-C', dest, '--strip-components=1'])
  // the project's own dependency on the platform, which the plugin imports as a peer
  mkdirSync(join(project, 'node_modules/@plume'), { recursive: true })
  symlinkSync(join(REPO, 'core'), join(project, 'node_modules/@plume/core'), 'dir')
}, 180_000)
afterAll(() => rmSync(project, { recursive: true, force: true }))

interface Started {
  url: string
  stop(): Promise<void>
}

/** Runs `npm start`'s command (`tsx core/src/cli/start.ts`) in the project directory. */
async function npmStart(env: Record<string, string>): Promise<Started> {
  const db = await testDatabase()
  const dbEnv: Record<string, string> =
    'url' in db.options && db.options.url ? { DATABASE_URL: db.options.url } : { PLUME_DATA_DIR: 'memory' }
  const { PLUME_PLUGINS: _plugins, DATABASE_URL: _url, ...inherited } = process.env
  const child = spawn(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'core/src/cli/start.ts')], {
    cwd: project,
    env: {
      ...inherited,
      ...dbEnv,
      PORT: '0',
      LOG_LEVEL: 'info',
      PLUME_DEMO: '0',
      PLUME_ADMIN_EMAIL: ADMIN.email,
      PLUME_ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const m = /Plume listening on (http:\/\/[\d.]+:\d+)/.exec(output)
      if (m) resolve(m[1]!)
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)))
  })
  return {
    url,
    async stop() {
      child.kill('SIGTERM')
      await exited
      await db.drop()
    },
  }
}

/** Runs the start command expecting it to refuse: answers its exit code and what it printed. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  try {
    const started = await npmStart(env)
    await started.stop()
    return { code: 0, output: 'it started' }
  } catch (err) {
    const text = (err as Error).message
    return { code: Number(/exited with (\d+)/.exec(text)?.[1]), output: text }
  }
}

async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

/** Logs in, creates a customer and a loyalty card, reads the card back. */
async function useLoyaltyRoute(base: string): Promise<void> {
  const login = await api(base, 'POST', '/api/authentication', { strategy: 'local', ...ADMIN })
  expect(login.status).toBe(201)
  const token = login.body.accessToken as string
  const plugins = await api(base, 'GET', '/api/plugins', undefined, token)
  expect(plugins.body.data ?? plugins.body).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'loyalty', enabled: true })]),
  )
  const customer = await api(
    base,
    'POST',
    '/api/customers',
    { code: 'LOYAL', name: 'Loyal Buyer Ltd' },
    token,
  )
  expect(customer.status).toBe(201)
  const card = await api(
    base,
    'POST',
    '/api/loyalty-cards',
    { number: 'LC-0001', points: 1200, customerId: customer.body.id },
    token,
  )
  expect(card.status).toBe(201)
  // the package's hook ran: 1,200 points is the silver tier
  expect(card.body).toMatchObject({ number: 'LC-0001', points: 1200, tier: 'silver' })
  const found = await api(base, 'GET', '/api/loyalty-cards?number=LC-0001', undefined, token)
  expect(found.body.data).toEqual([
    expect.objectContaining({ id: card.body.id, customerId: customer.body.id }),
  ])
}

describe('npm start with a plugin installed from a packed npm package', () => {
  it('loads the package named in PLUME_PLUGINS beside the folder plugins named there', async () => {
    const p = await npmStart({ PLUME_PLUGINS: `inventory,partners,crm,${PACKAGE}` })
    try {
      await useLoyaltyRoute(p.url)
    } finally {
      await p.stop()
    }
  }, 300_000)

  it('loads the package listed in plume.config.json', async () => {
    writeFileSync(join(project, 'plume.config.json'), JSON.stringify({ plugins: [PACKAGE] }))
    try {
      const p = await npmStart({ PLUME_PLUGINS: 'inventory,partners,crm' })
      try {
        await useLoyaltyRoute(p.url)
      } finally {
        await p.stop()
      }
    } finally {
      rmSync(join(project, 'plume.config.json'))
    }
  }, 300_000)

  it('refuses to start on a package that is not installed, naming it', async () => {
    const r = await failedStart({ PLUME_PLUGINS: 'crm,@acme/plume-plugin-missing' })
    expect(r.code).toBe(1)
    expect(r.output).toContain('Plugin package "@acme/plume-plugin-missing" not found')
    expect(r.output).not.toMatch(/\n\s+at /) // a message, not a stack trace
  }, 180_000)

  it('refuses a plume.config.json with an unknown setting', async () => {
    writeFileSync(join(project, 'plume.config.json'), JSON.stringify({ plugin: [PACKAGE] }))
    try {
      const r = await failedStart({ PLUME_PLUGINS: 'inventory,partners,crm' })
      expect(r.code).toBe(1)
      expect(r.output).toContain('plume.config.json: unknown setting "plugin" (known: plugins)')
    } finally {
      rmSync(join(project, 'plume.config.json'))
    }
  }, 180_000)
})
