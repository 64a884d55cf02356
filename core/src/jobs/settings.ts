import type { JobQueue } from './queue.js'

/** The settings the job queue keeps on the app. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    jobs?: JobQueue
  }
}
