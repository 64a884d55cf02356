/** Serves the built admin UI (`admin-ui/dist`) at `/admin`, with a single-page-app fallback. */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { chooseEncoding, encodedFile } from './admin-compress.js'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Middleware } from 'koa'

/** `<repo>/admin-ui/dist`, or `PLUME_ADMIN_DIST` when set. */
export const ADMIN_DIST = resolve(
  process.env.PLUME_ADMIN_DIST ?? fileURLToPath(new URL('../../../admin-ui/dist', import.meta.url)),
)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path)
    return s.isFile() ? s.size : undefined
  } catch {
    return undefined
  }
}

/** Text types worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.map', '.txt'])

/**
 * Koa middleware for `GET|HEAD /admin/*`: files from `dist`; hashed files under `assets/` are
 * cached for a year (their name changes with their content), `index.html` is always revalidated.
 * A path with no file behind it (a client-side route such as `/admin/customers/5`) gets
 * `index.html`; a missing asset (`*.js`, …) gets a 404 so a stale tab fails loudly.
 * Text files are sent compressed by `Accept-Encoding` (br, else gzip, else as is), from the
 * `.br`/`.gz` files the build writes next to them or compressed once and kept in memory; every
 * answer has an ETag and a matching `If-None-Match` gets 304.
 * @example app.use(adminStatic())
 */
export function adminStatic(dist: string = ADMIN_DIST, base = '/admin'): Middleware {
  const root = resolve(dist)
  return async (ctx, next) => {
    if (
      (ctx.method !== 'GET' && ctx.method !== 'HEAD') ||
      (ctx.path !== base && !ctx.path.startsWith(base + '/'))
    )
      return next()
    if (ctx.path === base) {
      ctx.redirect(base + '/' + (ctx.querystring ? `?${ctx.querystring}` : ''))
      return
    }
    let rel: string
    try {
      rel = decodeURIComponent(ctx.path.slice(base.length + 1))
    } catch {
      ctx.status = 400
      return
    }
    const target = normalize(join(root, rel))
    // never leave dist (`/admin/../../etc/passwd`)
    const inside = target === root || target.startsWith(root + sep)
    if (!inside) {
      ctx.status = 404
      ctx.body = 'Not found'
      return
    }
    let file = inside && rel !== '' ? target : join(root, 'index.html')
    let size = inside && rel !== '' ? await fileSize(file) : undefined
    if (size === undefined) {
      if (inside && extname(rel) !== '' && extname(rel) !== '.html') {
        ctx.status = 404
        ctx.body = 'Not found'
        return
      }
      file = join(root, 'index.html')
      size = await fileSize(file)
      if (size === undefined) {
        ctx.status = 503
        ctx.type = 'text/plain'
        ctx.body =
          'The admin UI is not built: run `npm run build -w admin-ui` (npm start does it when dist is missing).'
        return
      }
    }
    const immutable = file.startsWith(join(root, 'assets') + sep)
    ctx.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    ctx.set('X-Content-Type-Options', 'nosniff')
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream'
    const compressible = COMPRESSIBLE.has(extname(file))
    if (compressible) ctx.vary('Accept-Encoding')
    const encoding = compressible ? chooseEncoding(ctx.get('Accept-Encoding')) : undefined
    const sent = encoding ? await encodedFile(file, encoding) : undefined
    const tag = `W/"${size.toString(36)}-${(sent?.mtimeMs ?? (await stat(file)).mtimeMs).toString(36)}${sent ? `-${sent.encoding}` : ''}"`
    ctx.set('ETag', tag)
    if (sent) ctx.set('Content-Encoding', sent.encoding)
    if (
      ctx
        .get('If-None-Match')
        .split(/\s*,\s*/)
        .includes(tag)
    ) {
      ctx.status = 304
      return
    }
    ctx.status = 200
    ctx.length = sent ? sent.size : size
    if (ctx.method === 'HEAD') return
    ctx.body = sent ? sent.body() : createReadStream(file)
  }
}
