import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkUrl, deliver, SsrfError, verify } from '@plume/plugin-notifications'
import type { DatabaseOptions } from '@plume/core/internal'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'
import { client, created } from '../orders/fixtures.js'
import { firings, jobsOf, quietBackground, rule } from './helpers.js'

const SECRET = 'whsec-test-0123456789abcdef'
const HOUR = 3_600_000

interface Hit {
  path: string
  headers: IncomingMessage['headers']
  body: string
}

/** A local receiver: fails the first `failures` POSTs to /hook with 500, redirects /redirect to `redirectTo`. */
async function receiver(): Promise<{
  url: string
  hits: Hit[]
  failures: { n: number }
  redirectTo: { url: string }
  close(): Promise<void>
}> {
  const hits: Hit[] = []
  const failures = { n: 0 }
  const redirectTo = { url: '' }
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body })
      if (req.url === '/redirect') {
        res.writeHead(307, { location: redirectTo.url }).end()
      } else if (failures.n > 0) {
        failures.n--
        res.writeHead(500).end('down')
      } else res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    failures,
    redirectTo,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

describe('SSRF guard', () => {
  const none = new Set<string>()
  it.each([
    ['http://127.0.0.1/hook'],
    ['http://10.1.2.3/hook'],
    ['http://169.254.169.254/latest/meta-data'],
    ['http://[::ffff:127.0.0.1]/hook'],
    ['http://2130706433/hook'],
    ['http://0177.0.0.1/hook'],
    ['http://0x7f.1/hook'],
    ['http://[::1]/hook'],
    ['http://100.64.0.1/hook'],
    ['http://192.168.1.1/hook'],
    ['http://172.16.0.1/hook'],
    ['http://[fd00::1]/hook'],
    ['http://[fe80::1]/hook'],
    ['http://0.0.0.0/hook'],
    ['http://localhost/hook'],
    ['ftp://example.com/x'],
    ['http://user:pw@example.com/x'],
  ])('refuses %s', async (url) => {
    await expect(checkUrl(url, none)).rejects.toBeInstanceOf(SsrfError)
  })

  it('checks every address a name resolves to', async () => {
    const fake = (async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ]) as never
    await expect(checkUrl('https://mixed.example/hook', none, fake)).rejects.toThrow(/10\.0\.0\.5/)
    const ok = (async () => [{ address: '93.184.216.34', family: 4 }]) as never
    await expect(checkUrl('https://public.example/hook', none, ok)).resolves.toMatchObject({
      address: '93.184.216.34',
      allowListed: false,
    })
  })

  it('lets an allow-listed host through, and refuses a redirect from it to a loopback name', async () => {
    const r = await receiver()
    try {
      await expect(checkUrl(`${r.url}/hook`, new Set(['127.0.0.1']))).resolves.toMatchObject({
        allowListed: true,
      })
      r.redirectTo.url = r.url.replace('127.0.0.1', 'localhost') + '/hook'
      const attempt = deliver({
        url: `${r.url}/redirect`,
        body: '{}',
        secret: SECRET,
        deliveryId: 't',
        event: 't',
        allow: new Set(['127.0.0.1']),
      })
      await expect(attempt).rejects.toBeInstanceOf(SsrfError)
      expect(r.hits.map((h) => h.path)).toEqual(['/redirect'])
      // a redirect to an allowed place is followed, same signed body
      r.redirectTo.url = `${r.url}/hook`
      await expect(
        deliver({
          url: `${r.url}/redirect`,
          body: '{"a":1}',
          secret: SECRET,
          deliveryId: 't',
          event: 't',
          allow: new Set(['127.0.0.1']),
        }),
      ).resolves.toMatchObject({ status: 204, redirects: 1 })
      expect(r.hits.at(-1)!.body).toBe('{"a":1}')
    } finally {
      await r.close()
    }
  })
})

describe('webhooks and e-mail', () => {
  let p: TestPlatform
  let dataDir: string | undefined
  let database: DatabaseOptions
  let dropDb: () => Promise<void>
  let hook: Awaited<ReturnType<typeof receiver>>

  const start = () => startTestPlatform({ database })

  beforeAll(async () => {
    quietBackground()
    const t = await testDatabase()
    dropDb = t.drop
    if (t.kind === 'pglite') {
      dataDir = mkdtempSync(join(tmpdir(), 'plume-alerts-'))
      database = { dataDir }
    } else database = t.options
    p = await start()
    hook = await receiver()
  })
  afterAll(async () => {
    await p?.close()
    await hook?.close()
    await dropDb?.()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('delivers a signed webhook, retries after two failures, and finishes after a restart mid-retry', async () => {
    let token = await p.login()
    expect(
      (await p.http('POST', '/api/webhook-allowlist', { host: '127.0.0.1', note: 'test receiver' }, token))
        .status,
    ).toBe(201)
    await rule(p, token, 'alert', {
      name: 'customer-webhook',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'C-HOOK' }] },
      actions: [
        {
          type: 'webhook',
          url: `${hook.url}/hook`,
          secret: SECRET,
          payload: { code: '{{record.code}}', name: 'Name: {{record.name}}', id: '{{record.id}}' },
        },
      ],
    })
    hook.failures.n = 2
    const customerId = await created(client(p, token), '/api/customers', {
      code: 'c-hook',
      name: 'Quote "me" \\ now',
    })
    await jobsOf(p).drain()
    expect(hook.hits).toHaveLength(1)
    let [f] = await firings(p, 'customer-webhook')
    expect(f!.actions[0]).toMatchObject({
      type: 'webhook',
      status: 'retrying',
      attempts: 1,
      error: expect.stringContaining('HTTP 500'),
    })
    // the retry is not due yet; an hour later it is (and fails again)
    expect(await jobsOf(p).drain()).toBe(0)
    await jobsOf(p).drain({ now: new Date(Date.now() + HOUR) })
    expect(hook.hits).toHaveLength(2)

    // restart: the job is in the database, not in memory
    await p.close()
    p = await start()
    token = await p.login()
    await jobsOf(p).drain({ now: new Date(Date.now() + 24 * HOUR) })
    expect(hook.hits).toHaveLength(3)
    const last = hook.hits.at(-1)!
    const ts = String(last.headers['x-plume-timestamp'])
    expect(verify(SECRET, ts, last.body, String(last.headers['x-plume-signature']))).toBe(true)
    expect(verify('wrong-secret-0123456789', ts, last.body, String(last.headers['x-plume-signature']))).toBe(
      false,
    )
    expect(last.headers['content-type']).toBe('application/json')
    const body = JSON.parse(last.body)
    expect(body).toMatchObject({
      rule: 'customer-webhook',
      ruleVersion: 1,
      data: { code: 'C-HOOK', name: 'Name: Quote "me" \\ now', id: customerId },
    })
    // the three attempts carried the same body (same delivery id)
    expect(new Set(hook.hits.map((h) => h.body)).size).toBe(1)
    ;[f] = await firings(p, 'customer-webhook')
    expect(f!.actions[0]).toMatchObject({ status: 'done', attempts: 3, outcome: { status: 204 } })
  })

  it('refuses loopback without the allow-list; the dead letter can be replayed by an admin', async () => {
    const token = await p.login()
    expect((await p.http('DELETE', '/api/webhook-allowlist/127.0.0.1', undefined, token)).status).toBe(200)
    await rule(p, token, 'alert', {
      name: 'customer-webhook-2',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'C-HOOK-2' }] },
      actions: [{ type: 'webhook', url: `${hook.url}/hook`, secret: SECRET }],
    })
    const before = hook.hits.length
    await created(client(p, token), '/api/customers', { code: 'c-hook-2', name: 'Second' })
    await jobsOf(p).drain()
    expect(hook.hits).toHaveLength(before)
    const [f] = await firings(p, 'customer-webhook-2')
    expect(f!.actions[0]).toMatchObject({
      status: 'dead',
      attempts: 1,
      error: expect.stringMatching(/refused: 127\.0\.0\.1 is not a public address/),
    })
    const dead = await p.http('GET', '/api/alert-dead-letters', undefined, token)
    expect(dead.status).toBe(200)
    const letter = dead.body.find((d: { ruleName: string }) => d.ruleName === 'customer-webhook-2')
    expect(letter).toMatchObject({ status: 'dead', firingId: f!.id })
    expect((await p.http('POST', '/api/webhook-allowlist', { host: '127.0.0.1' }, token)).status).toBe(201)
    expect(
      (await p.http('PATCH', `/api/alert-dead-letters/${letter.id}`, { replay: true }, token)).status,
    ).toBe(200)
    await jobsOf(p).drain()
    expect(hook.hits).toHaveLength(before + 1)
    expect(JSON.parse(hook.hits.at(-1)!.body).data.record.code).toBe('C-HOOK-2')
    expect(
      (await p.http('GET', '/api/alert-dead-letters', undefined, token)).body.find(
        (d: { id: number }) => d.id === letter.id,
      ),
    ).toBeUndefined()
  })

  it('sends e-mail over SMTP to a local sink, values HTML-escaped', async () => {
    const mails: Array<{ to: string[]; raw: string }> = []
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, session, cb) {
        let raw = ''
        stream.on('data', (c: Buffer) => (raw += c.toString()))
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw })
          cb()
        })
      },
    })
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()))
    const port = (smtp.server.address() as AddressInfo).port
    try {
      p.app.set('smtpUrl', `smtp://127.0.0.1:${port}?ignoreTLS=true`)
      const token = await p.login()
      await rule(p, token, 'alert', {
        name: 'customer-mail',
        trigger: { type: 'event', entity: 'customer', on: 'created' },
        conditions: { all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'C-MAIL' }] },
        actions: [
          {
            type: 'email',
            to: ['ops@example.com'],
            roles: ['admin'],
            subject: 'New customer {{record.name}}',
            body: '<p>Welcome <b>{{record.name}}</b></p>',
          },
        ],
      })
      await created(client(p, token), '/api/customers', { code: 'c-mail', name: '<script>alert(1)</script>' })
      await jobsOf(p).drain()
      expect(mails.map((m) => m.to[0]).sort()).toEqual(['admin@test.local', 'ops@example.com'])
      const raw = mails[0]!.raw.replace(/=\r?\n/g, '')
      // the HTML part never carries the value's markup; the text part and the subject are plain text
      const html = raw.slice(raw.indexOf('Content-Type: text/html'))
      expect(html).toContain('<p>Welcome <b>&lt;script&gt;alert(1)&lt;/script&gt;</b></p>')
      expect(html).not.toContain('<script>')
      expect(raw).toContain('Welcome <script>alert(1)</script>')
      const [f] = await firings(p, 'customer-mail')
      expect(f!.actions[0]).toMatchObject({
        status: 'done',
        outcome: { sent: expect.arrayContaining(['ops@example.com']) },
      })
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()))
    }
  })
})
