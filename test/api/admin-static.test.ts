import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import Koa from 'koa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminStatic } from '../../core/src/app/admin-static.js'

// The admin UI's files over real HTTP: compressed by Accept-Encoding, cached by name, never outside dist.
let dir: string
let server: Server
let port: number
const js = `export const rows = [${Array.from({ length: 2000 }, (_, i) => `{ id: ${i}, name: "row ${i}" }`).join(', ')}]\n`
const css = `.card { display: grid; gap: 8px; }\n`.repeat(400)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plume-admin-static-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><script type="module" src="/admin/assets/index-abc123.js"></script></head><body>${'<div></div>'.repeat(200)}</body></html>`,
  )
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), js)
  writeFileSync(join(dir, 'assets', 'style-def456.css'), css)
  writeFileSync(join(dir, 'assets', 'logo-1.png'), Buffer.alloc(2048, 7))
  writeFileSync(join(tmpdir(), 'plume-secret.txt'), 'secret')
  const app = new Koa()
  app.use(adminStatic(dir))
  server = app.listen(0, '127.0.0.1')
  await new Promise<void>((r) => server.once('listening', () => r()))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()))
  rmSync(dir, { recursive: true, force: true })
})

interface Raw {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A GET with raw bytes (fetch would decompress them). */
function get(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

describe('admin UI static files', () => {
  it('sends br, gzip or identity by Accept-Encoding, all decoding to the same bytes', async () => {
    for (const path of ['/admin/assets/index-abc123.js', '/admin/assets/style-def456.css']) {
      const plain = await get(path)
      const br = await get(path, { 'Accept-Encoding': 'gzip, deflate, br' })
      const gz = await get(path, { 'Accept-Encoding': 'gzip' })
      const refused = await get(path, { 'Accept-Encoding': 'br;q=0, gzip;q=0' })
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(br.headers['content-encoding']).toBe('br')
      expect(gz.headers['content-encoding']).toBe('gzip')
      expect(refused.headers['content-encoding']).toBeUndefined()
      expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true)
      expect(gunzipSync(gz.body).equals(plain.body)).toBe(true)
      expect(br.body.length).toBeLessThan(plain.body.length / 3)
      expect(Number(br.headers['content-length'])).toBe(br.body.length)
      for (const r of [plain, br, gz]) {
        expect(r.status).toBe(200)
        expect(r.headers.vary).toMatch(/Accept-Encoding/i)
        expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable')
      }
    }
  })

  it('prefers the precompressed file the build wrote', async () => {
    const { brotliCompressSync } = await import('node:zlib')
    writeFileSync(join(dir, 'assets', 'pre-1.js'), js)
    writeFileSync(join(dir, 'assets', 'pre-1.js.br'), brotliCompressSync(Buffer.from(js)))
    const r = await get('/admin/assets/pre-1.js', { 'Accept-Encoding': 'br' })
    expect(r.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(r.body).toString()).toBe(js)
  })

  it('revalidates index.html (no-cache), compressed too, and answers 304 to a matching ETag', async () => {
    const first = await get('/admin/', { 'Accept-Encoding': 'gzip' })
    expect(first.status).toBe(200)
    expect(first.headers['cache-control']).toBe('no-cache')
    expect(first.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(first.body).toString()).toContain('index-abc123.js')
    const etag = String(first.headers.etag)
    const again = await get('/admin/', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    // another encoding is another representation
    const other = await get('/admin/', { 'Accept-Encoding': 'br', 'If-None-Match': etag })
    expect(other.status).toBe(200)
    // a client-side route gets index.html
    const route = await get('/admin/customers/5')
    expect(route.status).toBe(200)
    expect(route.body.toString()).toContain('index-abc123.js')
  })

  it('does not compress images', async () => {
    const r = await get('/admin/assets/logo-1.png', { 'Accept-Encoding': 'br, gzip' })
    expect(r.status).toBe(200)
    expect(r.headers['content-encoding']).toBeUndefined()
    expect(r.body.length).toBe(2048)
  })

  it('answers 404 to an unknown asset and to a path leaving dist', async () => {
    expect((await get('/admin/assets/missing-999.js', { 'Accept-Encoding': 'br' })).status).toBe(404)
    for (const path of [
      '/admin/..%2fplume-secret.txt',
      '/admin/%2e%2e/%2e%2e/plume-secret.txt',
      '/admin/assets/..%2f..%2fplume-secret.txt',
    ]) {
      const r = await get(path)
      expect(r.status).toBe(404)
      expect(r.body.toString()).not.toContain('secret')
    }
  })
})
