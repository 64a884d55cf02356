import { freemem, totalmem } from 'node:os'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { Knex } from 'knex'
import type { FactDefinition } from '../automation/types.js'
import { diskOf, queueFigures, type Metrics } from './metrics.js'
import { failedBackups } from '../backup/schedule.js'

/** One sample of this instance's health, as alert rules read it (fact `system`). */
export interface SystemSample {
  /** Process CPU time over the sample period, % of one core. */
  cpuPct: number
  /** Machine memory in use, %. */
  memoryPct: number
  rssBytes: number
  /** Free space on the data volume, %. */
  diskFreePct: number
  diskFreeBytes: number
  /** Mean event-loop delay over the sample period, ms. */
  eventLoopLagMs: number
  /** 5xx answers over the sample period, % of the requests answered (0 without requests). */
  errorRatePct: number
  requests: number
  /** Due pending jobs, and the age of the oldest (s). */
  queueDepth: number
  queueOldestAgeSeconds: number
  /** Failed backup attempts since the last successful backup (docs/operations.md, "Backups"). */
  failedBackups: number
}

const KEYS = [
  'cpuPct',
  'memoryPct',
  'rssBytes',
  'diskFreePct',
  'diskFreeBytes',
  'eventLoopLagMs',
  'errorRatePct',
  'requests',
  'queueDepth',
  'queueOldestAgeSeconds',
  'failedBackups',
] as const
const WINDOWS = { '5m': 5 * 60_000, '15m': 15 * 60_000 } as const
const KEEP_MS = 16 * 60_000
const round = (n: number) => Math.round(n * 100) / 100

/**
 * Samples CPU, memory, disk free, event-loop lag, error rate and queue backlog on a schedule and
 * keeps the last quarter of an hour, so that alert rules can say "disk free below 10 % for 5
 * minutes": fact `system` is the latest sample plus `min5m`/`max5m`/`min15m`/`max15m` — each
 * present only once the samples span that window (a rule reading it does not fire before).
 * @example sampler.sample(); automationOf(app).registry.fact(sampler.fact())
 */
export class SystemSampler {
  private readonly samples: Array<{ at: number; value: SystemSample }> = []
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 })
  private cpu = process.cpuUsage()
  private cpuAt = process.hrtime.bigint()
  private requests = { total: 0, errors: 0 }

  constructor(
    private readonly knex: Knex,
    private readonly dataDir: string,
    private readonly metrics?: Metrics,
  ) {
    this.lag.enable()
  }

  /**
   * Measures now and keeps the sample; `injected` values replace measured ones (tests, drills:
   * "what if the disk were 95 % full") and `at` dates it.
   */
  async sample(
    injected: Partial<SystemSample> = {},
    at = new Date(),
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<SystemSample> {
    const value = { ...(await this.measure(db)), ...injected }
    this.samples.push({ at: at.getTime(), value })
    this.samples.sort((a, b) => a.at - b.at)
    while (
      this.samples.length > 0 &&
      this.samples[this.samples.length - 1]!.at - this.samples[0]!.at > KEEP_MS
    )
      this.samples.shift()
    return value
  }

  /** The fact value at `now`: the latest sample, its time, and the windows the samples span. */
  snapshot(now: Date): Record<string, unknown> | undefined {
    const last = this.samples[this.samples.length - 1]
    if (!last) return undefined
    const out: Record<string, unknown> = {
      ...last.value,
      sampledAt: new Date(last.at).toISOString(),
      samples: this.samples.length,
    }
    const first = this.samples[0]!
    for (const [name, ms] of Object.entries(WINDOWS)) {
      const since = now.getTime() - ms
      if (first.at > since) continue
      // the window starts with the last sample at or before its start: the value held since then
      let start = 0
      this.samples.forEach((s, i) => (s.at <= since ? (start = i) : undefined))
      const inWindow = this.samples.slice(start).filter((s) => s.at <= now.getTime())
      const min: Record<string, number> = {}
      const max: Record<string, number> = {}
      for (const k of KEYS) {
        const vals = inWindow.map((s) => s.value[k])
        min[k] = Math.min(...vals)
        max[k] = Math.max(...vals)
      }
      out[`min${name}`] = min
      out[`max${name}`] = max
    }
    return out
  }

  /** The automation fact `system` (schedule and event rules), sampling once when nothing was sampled yet. */
  fact(): FactDefinition {
    return {
      name: 'system',
      description:
        'This instance: CPU, memory, disk free, event-loop lag, error rate, job backlog, failed backups (latest sample and 5/15-minute minima and maxima)',
      fields: [...KEYS, 'sampledAt', 'samples', 'min5m', 'max5m', 'min15m', 'max15m'],
      // the evaluation's own connection (PGlite has one, held by the schedule slot's transaction)
      load: async ({ now, db }) => {
        if (this.samples.length === 0) await this.sample({}, now, db)
        return this.snapshot(now)
      },
    }
  }

  stop(): void {
    this.lag.disable()
  }

  private async measure(db: Knex | Knex.Transaction): Promise<SystemSample> {
    const nowNs = process.hrtime.bigint()
    const cpu = process.cpuUsage(this.cpu)
    const wallUs = Number(nowNs - this.cpuAt) / 1000
    this.cpu = process.cpuUsage()
    this.cpuAt = nowNs
    const lagMs = Number.isFinite(this.lag.mean) ? this.lag.mean / 1e6 : 0
    this.lag.reset()
    const disk = await diskOf(this.dataDir)
    const queue = await queueFigures(db)
    const { total, errors } = await this.requestTotals()
    const period = { total: total - this.requests.total, errors: errors - this.requests.errors }
    this.requests = { total, errors }
    return {
      cpuPct: round(wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0),
      memoryPct: round((1 - freemem() / totalmem()) * 100),
      rssBytes: process.memoryUsage.rss(),
      diskFreePct: disk && disk.total > 0 ? round((disk.free / disk.total) * 100) : 100,
      diskFreeBytes: disk?.free ?? 0,
      eventLoopLagMs: round(lagMs),
      errorRatePct: period.total > 0 ? round((period.errors / period.total) * 100) : 0,
      requests: period.total,
      queueDepth: queue.counts.due,
      queueOldestAgeSeconds: round(queue.oldestDueAgeSeconds),
      failedBackups: await failedBackups(db),
    }
  }

  private async requestTotals(): Promise<{ total: number; errors: number }> {
    if (!this.metrics) return { total: 0, errors: 0 }
    const { values } = await this.metrics.httpRequests.get()
    let total = 0
    let errors = 0
    for (const v of values) {
      total += v.value
      if (v.labels.status === '5xx') errors += v.value
    }
    return { total, errors }
  }
}
