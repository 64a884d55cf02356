import type { Knex } from 'knex'
import type { JobQueue } from '@plume/core'
import { historyEnd } from '../replenish/history.js'
import { forecastsFor } from './store.js'

export const FORECAST_JOB = 'purchasing.forecasts'
const HOUR_MS = 3_600_000

/**
 * Stored forecasts rerun as a job on the platform's queue: each instance's worker asks hourly for
 * the job of the current week, keyed by the week's start, so the queue runs it once a week across
 * all instances (a second enqueue of the key is ignored). The job recomputes what is stale or
 * missing; answers a function that stops the schedule.
 */
export function scheduleForecasts(jobs: JobQueue, knex: Knex): () => void {
  jobs.register(FORECAST_JOB, async (_payload, ctx) => {
    const r = await forecastsFor(knex, { asOf: ctx.now })
    return { computed: r.computed, series: r.series.length, historyEnd: r.historyEnd }
  })
  return jobs.maintenance.every(FORECAST_JOB, HOUR_MS, (now) =>
    jobs.enqueue(
      FORECAST_JOB,
      {},
      { key: `${FORECAST_JOB}:${historyEnd(now).toISOString()}`, maxAttempts: 3 },
    ),
  )
}
