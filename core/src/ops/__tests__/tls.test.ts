import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '../../testing/index.js'
import { STRICT_TRANSPORT_SECURITY } from '../headers.js'

let dir: string
let cert: Buffer
let p: TestPlatform
let base: string

/** One HTTPS request trusting only the test's own certificate. */
function https(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        ca: cert,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? JSON.parse(text) : undefined,
          }),
        )
      },
    )
    req.once('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-tls-'))
  // a self-signed certificate for 127.0.0.1, made here with openssl
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  cert = readFileSync(join(dir, 'cert.pem'))
  process.env.PLUME_TLS_CERT = join(dir, 'cert.pem')
  process.env.PLUME_TLS_KEY = join(dir, 'key.pem')
  p = await startTestPlatform({ plugins: [], pluginDirs: [] })
  base = p.url.replace(/^http:/, 'https:')
})
afterAll(async () => {
  delete process.env.PLUME_TLS_CERT
  delete process.env.PLUME_TLS_KEY
  await p?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('HTTPS with PLUME_TLS_CERT / PLUME_TLS_KEY', () => {
  it('serves the API over TLS with HSTS and the security headers; plain HTTP is not answered', async () => {
    const login = await https('POST', '/api/authentication', {
      strategy: 'local',
      email: p.adminEmail,
      password: p.adminPassword,
    })
    expect(login.status).toBe(201)
    const token = (login.body as { accessToken: string }).accessToken
    const me = await https('GET', '/api/users?$limit=1', undefined, token)
    expect(me.status).toBe(200)
    expect((me.body as { total: number }).total).toBe(1)
    expect(me.headers['strict-transport-security']).toBe(STRICT_TRANSPORT_SECURITY)
    expect(me.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    expect(me.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    await expect(fetch(`${p.url}/health`)).rejects.toThrow()
  })

  it('serves socket.io over the same TLS listener', async () => {
    const socket = io(base, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ca: cert.toString(),
    })
    try {
      await new Promise<void>((resolve, reject) =>
        socket.once('connect', () => resolve()).once('connect_error', reject),
      )
      const auth = await new Promise<{ accessToken?: string }>((resolve, reject) =>
        socket.emit(
          'create',
          'api/authentication',
          { strategy: 'local', email: p.adminEmail, password: p.adminPassword },
          (err: unknown, r: { accessToken?: string }) =>
            err ? reject(new Error(JSON.stringify(err))) : resolve(r),
        ),
      )
      expect(auth.accessToken).toEqual(expect.any(String))
    } finally {
      socket.close()
    }
  })
})
