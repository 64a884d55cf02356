/** Serves the built widget bundle (`sdk/dist/cdn`) at the stable URL `/sdk/plume.js`. */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Middleware } from 'koa'
import { adminStatic } from '../app/admin-static.js'

/** `<repo>/sdk/dist/cdn` (written by `npm run build:widgets -w @plume/sdk`), or `PLUME_SDK_DIST`. */
export const SDK_DIST = resolve(
  process.env.PLUME_SDK_DIST ?? fileURLToPath(new URL('../../../sdk/dist/cdn', import.meta.url)),
)

/**
 * `GET /sdk/<file>`: the widget bundle and its source map, revalidated by ETag (the name is
 * stable, the content changes with each release), compressed by `Accept-Encoding`. Partner pages
 * load it cross-origin as a module; the app's CORS middleware answers their Origin.
 * @example app.use(sdkStatic())
 */
export function sdkStatic(dist: string = SDK_DIST): Middleware {
  const files = adminStatic(dist, '/sdk')
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/sdk/')) return next()
    // files only: no index page, no fallback
    if (!/^\/sdk\/[A-Za-z0-9._-]+\.(js|map)$/.test(ctx.path)) {
      ctx.status = 404
      ctx.body = 'Not found'
      return
    }
    return files(ctx, next)
  }
}
