import type { Server } from 'node:http'
import type { Middleware } from 'koa'
import type { PlumeApp } from '../kernel/types.js'
import { automationOf } from '../automation/index.js'
import { whileRunning } from '../app/background.js'
import { createMetrics } from './metrics.js'
import { metricsListener } from './metrics-route.js'
import { observeRequests } from './observe.js'
import { opsSettingsFromEnv, type OpsSettings } from './settings.js'
import { shareServiceEvents } from './sync.js'
import { SystemSampler } from './system.js'
import { securityHeaders } from './headers.js'
import { backupSettingsFromEnv, setupScheduledBackups } from '../backup/schedule.js'
import { mountPrivacy } from '../privacy/service.js'

export { opsSettingsFromEnv, type OpsSettings } from './settings.js'
export { createMetrics, diskOf, queueFigures, type Metrics, type QueueFigures } from './metrics.js'
export { metricsRoute, metricsListener } from './metrics-route.js'
export { SystemSampler, type SystemSample } from './system.js'
export { shareServiceEvents, SYNC_CHANNEL } from './sync.js'
export { securityHeaders, CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY } from './headers.js'
export { listenApp } from './server.js'

/**
 * Operations, called once by createApp after the services: security headers and the request
 * observer (metrics + one JSON log line per request) outermost in the Koa stack, the metrics
 * registry, realtime counters, the `system` fact sampled every `PLUME_SYSTEM_SAMPLE_MS`, the
 * separate metrics listener (`PLUME_METRICS_LISTEN`) and event sharing through Redis
 * (`REDIS_URL`) — the last three from listen to teardown. See docs/operations.md.
 * @example setupOps(app)
 */
export function setupOps(app: PlumeApp, settings: OpsSettings = opsSettingsFromEnv()): void {
  const logger = app.get('logger')
  app.set('ops', settings)
  const metrics = createMetrics(app.get('db').knex, settings.dataDir)
  app.set('metrics', metrics)
  const middleware = (app as unknown as { middleware: Middleware[] }).middleware
  // outermost: the headers go on every answer, errors included; the observer sees the final status
  middleware.unshift(observeRequests(app, metrics, logger), securityHeaders())

  app.on('connection', () => metrics.realtimeConnections.inc())
  app.on('disconnect', () => metrics.realtimeConnections.dec())
  app.on('publish', (event: string, channel: { length: number }) => {
    metrics.realtimeEvents.inc({ event })
    metrics.realtimeDeliveries.inc(channel.length)
  })

  const sampler = new SystemSampler(app.get('db').knex, settings.dataDir, metrics)
  app.set('systemSampler', sampler)
  automationOf(app).registry.fact(sampler.fact())
  whileRunning(
    app,
    'plume-ops-sampler',
    settings.systemSampleMs,
    () => sampler.sample(),
    (err) => logger.debug({ err: (err as Error).message }, 'ops: system sample failed'),
  )

  // scheduled backups (PLUME_BACKUP_EVERY_MINUTES) through the job queue, once per slot across instances
  setupScheduledBackups(app, backupSettingsFromEnv())
  // personal data: export and erasure of a customer (admins only)
  mountPrivacy(app)

  const sync = settings.redisUrl ? shareServiceEvents(app, settings.redisUrl, logger, metrics) : undefined
  let listener: Server | undefined
  app.use(
    'plume-ops-runtime',
    {
      async setup() {
        if (settings.metricsListen)
          listener = await metricsListener(app, settings.metricsListen.host, settings.metricsListen.port)
        await sync?.start()
      },
      async teardown() {
        sampler.stop()
        await sync?.stop()
        await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)))
      },
    } as never,
    { methods: [], events: [] },
  )
}
