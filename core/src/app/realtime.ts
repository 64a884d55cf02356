import { permissionPublisher } from '../permissions/publish.js'
import type { HookContext } from '@feathersjs/feathers'
import type { Channel } from '@feathersjs/transport-commons'
import type { PlumeApp } from '../kernel/types.js'

type Publisher = (data: unknown, context: HookContext) => Channel[] | Promise<Channel[]>
const extra = new WeakMap<object, Publisher[]>()

/** Adds a publisher whose channels join the permission publisher's (embed sessions' live events). */
export function addPublisher(app: PlumeApp, publisher: Publisher): void {
  extra.set(app, [...(extra.get(app) ?? []), publisher])
}

/**
 * Realtime channels: every connection starts anonymous; a login moves it to `authenticated`.
 * Events go to authenticated connections whose user may `get` the record, without the fields
 * hidden from that user (the permission layer's publisher).
 */
export function setupRealtime(app: PlumeApp): void {
  app.on('connection', (connection: unknown) => app.channel('anonymous').join(connection as never))
  app.on('login', (result: { user?: { id?: unknown } }, { connection }: { connection?: unknown }) => {
    if (!connection) return
    app.channel('anonymous').leave(connection as never)
    app.channel('authenticated').join(connection as never)
    // per-user channel: lets authentication cut a user's connections off (deactivation, password change)
    if (result?.user?.id !== undefined)
      app.channel(`users/${String(result.user.id)}`).join(connection as never)
  })
  app.on('logout', (_result: unknown, { connection }: { connection?: unknown }) => {
    if (!connection) return
    app.channel(app.channels).leave(connection as never)
    app.channel('anonymous').join(connection as never)
  })
  const permitted = permissionPublisher(app)
  app.publish(async (data: unknown, context: HookContext) => {
    const more = extra.get(app) ?? []
    const lists = await Promise.all([permitted(data, context), ...more.map((p) => p(data, context))])
    return lists.flat()
  })
}
