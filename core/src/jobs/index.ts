export { JobQueue, backoffDelay, type JobQueueOptions } from './queue.js'
export { ensureJobTable, JOBS_TABLE } from './schema.js'
export {
  PermanentJobError,
  type EnqueueOptions,
  type JobContext,
  type JobHandler,
  type JobListener,
  type JobRow,
  type JobStatus,
} from './types.js'
export { Maintenance } from './maintenance.js'
