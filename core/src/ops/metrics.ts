import { statfs } from 'node:fs/promises'
import type { Knex } from 'knex'
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/** The Prometheus registry of one app and the instruments the rest of Plume feeds. */
export interface Metrics {
  registry: Registry
  httpRequests: Counter<'method' | 'route' | 'status'>
  httpDuration: Histogram<'method' | 'route' | 'status'>
  dbQueryDuration: Histogram<'kind' | 'outcome'>
  realtimeConnections: Gauge
  realtimeEvents: Counter<'event'>
  realtimeDeliveries: Counter
  realtimeSync: Counter<'direction' | 'outcome'>
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Free and total bytes of the volume holding `dir` (its parent when it does not exist yet). */
export async function diskOf(dir: string): Promise<{ free: number; total: number } | undefined> {
  for (const d of [dir, '.']) {
    try {
      const s = await statfs(d)
      return { free: s.bavail * s.bsize, total: s.blocks * s.bsize }
    } catch {
      // try the next candidate
    }
  }
  return undefined
}

/** First word of a statement, as a bounded label (`select`, `insert`, … else `other`). */
const KINDS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'with',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release',
])
function kindOf(sql: unknown): string {
  const word = typeof sql === 'string' ? /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() : undefined
  return word && KINDS.has(word) ? word : 'other'
}

interface TarnPool {
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
  max: number
}

/**
 * Creates the registry of one app: process metrics (CPU, memory, event-loop lag, handles), HTTP
 * requests by method, route template and status class, database query durations and pool, job
 * queue depth and age, realtime connections and events, disk free of the data volume. Labels
 * are bounded: route templates (`/api/customers/:id`), never ids.
 * @example const m = createMetrics(knex, './data'); m.httpRequests.inc({ method: 'GET', route: '/health', status: '2xx' })
 */
export function createMetrics(knex: Knex, dataDir: string): Metrics {
  const registry = new Registry()
  registry.setDefaultLabels({})
  collectDefaultMetrics({ register: registry, prefix: 'plume_' })
  const labelNames = ['method', 'route', 'status'] as const
  const m: Metrics = {
    registry,
    httpRequests: new Counter({
      name: 'plume_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status class',
      labelNames,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'plume_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames,
      buckets: SECONDS,
      registers: [registry],
    }),
    dbQueryDuration: new Histogram({
      name: 'plume_db_query_duration_seconds',
      help: 'Database statement duration, by statement kind and outcome',
      labelNames: ['kind', 'outcome'],
      buckets: SECONDS,
      registers: [registry],
    }),
    realtimeConnections: new Gauge({
      name: 'plume_realtime_connections',
      help: 'Open socket.io connections on this instance',
      registers: [registry],
    }),
    realtimeEvents: new Counter({
      name: 'plume_realtime_events_total',
      help: "Service events published to this instance's sockets",
      labelNames: ['event'],
      registers: [registry],
    }),
    realtimeDeliveries: new Counter({
      name: 'plume_realtime_deliveries_total',
      help: 'Event messages sent to sockets (one per recipient connection)',
      registers: [registry],
    }),
    realtimeSync: new Counter({
      name: 'plume_realtime_sync_messages_total',
      help: 'Service events shared through Redis, by direction (out|in) and outcome (ok|failed)',
      labelNames: ['direction', 'outcome'],
      registers: [registry],
    }),
  }
  const started = new Map<string, [number, number]>()
  knex.on('query', (q: { __knexQueryUid?: string }) => {
    if (q.__knexQueryUid) started.set(q.__knexQueryUid, process.hrtime() as [number, number])
  })
  const done = (outcome: string) => (_r: unknown, q: { __knexQueryUid?: string; sql?: string }) => {
    const t = q.__knexQueryUid ? started.get(q.__knexQueryUid) : undefined
    if (!t) return
    started.delete(q.__knexQueryUid!)
    const [s, ns] = process.hrtime(t)
    m.dbQueryDuration.observe({ kind: kindOf(q.sql), outcome }, s + ns / 1e9)
  }
  knex.on('query-response', done('ok'))
  knex.on('query-error', done('error'))
  const pool = () => (knex.client as { pool?: Partial<TarnPool> }).pool
  new Gauge({
    name: 'plume_db_pool_connections',
    help: 'Database pool connections by state (used, free, pending acquires, max)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = pool()
      if (!p || typeof p.numUsed !== 'function') return
      this.set({ state: 'used' }, p.numUsed())
      this.set({ state: 'free' }, p.numFree!())
      this.set({ state: 'pending' }, p.numPendingAcquires!())
      if (typeof p.max === 'number') this.set({ state: 'max' }, p.max)
    },
  })
  new Gauge({
    name: 'plume_jobs',
    help: 'Jobs in the queue: due pending (depth), pending later, running, dead',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const q = await queueFigures(knex)
      for (const [state, n] of Object.entries(q.counts)) this.set({ state }, n)
    },
  })
  new Gauge({
    name: 'plume_jobs_oldest_due_age_seconds',
    help: 'Age of the oldest due pending job (0 when none waits)',
    registers: [registry],
    async collect() {
      this.set((await queueFigures(knex)).oldestDueAgeSeconds)
    },
  })
  new Gauge({
    name: 'plume_disk_bytes',
    help: 'The data volume: free bytes (state="free") and its size (state="size")',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const d = await diskOf(dataDir)
      if (!d) return
      this.set({ state: 'free' }, d.free)
      this.set({ state: 'size' }, d.total)
    },
  })
  return m
}

/** Queue figures, read at most once per second whatever reads them (a scrape reads two gauges). */
let cache: { at: number; knex: Knex | Knex.Transaction; value: Promise<QueueFigures> } | undefined
export interface QueueFigures {
  counts: { due: number; later: number; running: number; dead: number }
  oldestDueAgeSeconds: number
}

/**
 * The job queue's depth (due pending jobs), later, running and dead jobs, and the age of the
 * oldest due job; zeros when the table is unreachable (the scrape still answers).
 */
export function queueFigures(knex: Knex | Knex.Transaction): Promise<QueueFigures> {
  const now = Date.now()
  if (cache && cache.knex === knex && now - cache.at < 1000) return cache.value
  const value = knex
    .raw(
      `select
         count(*) filter (where status = 'pending' and "runAt" <= now())::int as due,
         count(*) filter (where status = 'pending' and "runAt" > now())::int as later,
         count(*) filter (where status = 'running')::int as running,
         count(*) filter (where status = 'dead')::int as dead,
         coalesce(extract(epoch from now() - min("runAt") filter (where status = 'pending' and "runAt" <= now())), 0)::float8 as age
       from plume_jobs`,
    )
    .then(
      (r: { rows: Array<{ due: number; later: number; running: number; dead: number; age: number }> }) => {
        const row = r.rows[0]!
        return {
          counts: { due: row.due, later: row.later, running: row.running, dead: row.dead },
          oldestDueAgeSeconds: Number(row.age),
        }
      },
    )
    .catch(() => ({ counts: { due: 0, later: 0, running: 0, dead: 0 }, oldestDueAgeSeconds: 0 }))
  cache = { at: now, knex, value }
  return value
}
