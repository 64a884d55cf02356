import type { PlumeApp } from './types.js'

/**
 * Realtime channels: every connection starts anonymous; a login moves it to `authenticated`.
 * Entity events go to authenticated connections only (per-record permission filtering is added
 * by the permission layer through `app.publish`).
 */
export function setupRealtime(app: PlumeApp): void {
  app.on('connection', (connection: unknown) => app.channel('anonymous').join(connection as never))
  app.on('login', (_result: unknown, { connection }: { connection?: unknown }) => {
    if (!connection) return
    app.channel('anonymous').leave(connection as never)
    app.channel('authenticated').join(connection as never)
  })
  app.on('logout', (_result: unknown, { connection }: { connection?: unknown }) => {
    if (connection) app.channel('authenticated').leave(connection as never)
  })
  app.publish(() => app.channel('authenticated'))
}
