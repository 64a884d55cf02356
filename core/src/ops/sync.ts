import { randomUUID } from 'node:crypto'
import { SERVICE_OPTIONS } from '../plugins/mount.js'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from 'pino'
import type { PlumeApp } from '../kernel/types.js'
import { withClearValues } from '../crypto/fields.js'
import type { Metrics } from './metrics.js'
import { sealer } from './seal.js'

/** The events a service emits, from the options Feathers keeps on it (`getServiceOptions` is not a named export Node's ESM loader sees). */
const serviceEvents = (service: object): string[] | undefined =>
  (service as Record<symbol, { serviceEvents?: string[] } | undefined>)[SERVICE_OPTIONS]?.serviceEvents

/** The Redis channel all instances of one deployment publish their service events on. */
export const SYNC_CHANNEL = 'plume:service-events'
/** Marks an event re-emitted from another instance, so that it is not shared back. */
const REMOTE = Symbol('plume.remote')

interface SyncMessage {
  origin: string
  path: string
  event: string
  method?: string
  data: unknown
}

interface Emitter {
  on(event: string, listener: (data: unknown, hook?: { [REMOTE]?: boolean; method?: string }) => void): void
  emit(event: string, data: unknown, hook: object): boolean
}

/** Reconnects forever, at most every 2 s. */
const OPTIONS: RedisOptions = { retryStrategy: (times) => Math.min(times * 100, 2000) }
/** How long start-up waits for Redis before carrying on without it (it keeps reconnecting). */
const START_WAIT_MS = 5000

/**
 * Shares service events between the instances of one deployment through Redis pub/sub
 * (`REDIS_URL`): every event a service emits here (after its commit) is also published, and an
 * event published by another instance is emitted on the same service here — so it reaches this
 * instance's sockets through the same publishers, filtered and masked per recipient, and the
 * same in-process listeners (the session cache drops a changed user). Redis carries the record
 * as committed (clear values of encrypted fields included: masking is per recipient, here),
 * sealed with the deployment's shared secret (`seal.ts`): unreadable in Redis, and a message
 * anyone else publishes there is dropped.
 *
 * Losing Redis never stops a write: the local event goes out at once as without Redis, the
 * shared copy is dropped and counted (`plume_realtime_sync_messages_total{outcome="failed"}`),
 * the loss and the recovery are logged once each, and both connections reconnect on their own
 * (the subscription is renewed). Events published while Redis was away are not replayed: a
 * screen that missed one reloads on reconnect, as after any socket loss.
 * @example const sync = shareServiceEvents(app, 'redis://127.0.0.1:6379', logger, metrics); await sync.start()
 */
export function shareServiceEvents(app: PlumeApp, url: string, logger: Logger, metrics?: Metrics) {
  const origin = randomUUID()
  const secret = app.get('authentication')?.secret
  if (typeof secret !== 'string' || !secret)
    throw new Error('REDIS_URL: events are shared sealed with the JWT secret, which is not set up yet')
  const seal = sealer(secret)
  const log = logger.child({ module: 'redis-sync' })
  let pub: Redis | undefined
  let sub: Redis | undefined
  let down = false
  const lost = (err: unknown) => {
    if (down) return
    down = true
    log.warn({ err: (err as Error)?.message }, 'redis: connection lost; events stay local until it is back')
  }
  const back = () => {
    if (!down) return
    down = false
    log.info('redis: connection back; sharing events again')
  }

  const share =
    (path: string, event: string) => (data: unknown, hook?: { [REMOTE]?: boolean; method?: string }) => {
      if (!pub || hook?.[REMOTE]) return
      const message: SyncMessage = { origin, path, event, method: hook?.method, data: withClearValues(data) }
      pub.publish(SYNC_CHANNEL, seal.seal(message)).then(
        () => metrics?.realtimeSync.inc({ direction: 'out', outcome: 'ok' }),
        (err: unknown) => {
          metrics?.realtimeSync.inc({ direction: 'out', outcome: 'failed' })
          lost(err)
        },
      )
    }
  const attach = (service: object, path: string) => {
    const events = serviceEvents(service) ?? []
    for (const event of events) (service as Emitter).on(event, share(path, event))
  }
  for (const [path, service] of Object.entries(app.services)) attach(service as object, path)
  app.mixins.push((service: object, path: string) => attach(service, path))

  const receive = (_channel: string, raw: string) => {
    const m = seal.open(raw) as SyncMessage | undefined
    if (!m || typeof m !== 'object') {
      metrics?.realtimeSync.inc({ direction: 'in', outcome: 'failed' })
      return
    }
    if (m.origin === origin || typeof m.path !== 'string' || typeof m.event !== 'string') return
    const service = app.services[m.path] as Emitter | undefined
    // a service this instance does not run (a plugin switched off here) has nobody to tell
    if (!service || !(serviceEvents(service) ?? []).includes(m.event)) return
    metrics?.realtimeSync.inc({ direction: 'in', outcome: 'ok' })
    const hook = {
      app,
      service,
      self: service,
      path: m.path,
      method: m.method,
      event: m.event,
      type: 'around',
      params: {},
      result: m.data,
      [REMOTE]: true,
    }
    service.emit(m.event, m.data, hook)
  }

  return {
    origin,
    /**
     * Opens both connections and subscribes; waits up to 5 s for them, then carries on either way
     * (a Redis that is down is retried in the background, the subscription kept queued).
     */
    async start(): Promise<void> {
      // the publisher never queues: an event while Redis is away is dropped, not piled up in memory
      const p = (pub = new Redis(url, {
        ...OPTIONS,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectionName: `plume-pub-${origin}`,
      }))
      const s = (sub = new Redis(url, {
        ...OPTIONS,
        maxRetriesPerRequest: null,
        connectionName: `plume-sub-${origin}`,
      }))
      for (const c of [p, s]) {
        c.on('error', lost)
        c.on('ready', back)
      }
      s.on('message', receive)
      const subscribed = s.subscribe(SYNC_CHANNEL)
      const publisherReady = new Promise<void>((resolve) =>
        p.status === 'ready' ? resolve() : p.once('ready', () => resolve()),
      )
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), START_WAIT_MS)),
      )
      const outcome = await Promise.race([Promise.all([subscribed, publisherReady]).catch(lost), waited])
      clearTimeout(timer)
      if (outcome === 'timeout') lost(new Error(`no answer from Redis within ${START_WAIT_MS / 1000} s`))
    },
    async stop(): Promise<void> {
      for (const c of [pub, sub]) c?.disconnect()
      pub = sub = undefined
    },
  }
}
