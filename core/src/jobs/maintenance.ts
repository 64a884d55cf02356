import type { Logger } from 'pino'

interface Task {
  everyMs: number
  run(now: Date): Promise<unknown>
  last?: number
}

/**
 * Housekeeping the job worker runs on each instance: every task at most once per interval (not
 * durable, not coordinated — for idempotent clean-ups such as deleting what has expired).
 * @example const stop = queue.maintenance.every('orders.idempotency-expiry', 3_600_000, (now) => expire(now))
 */
export class Maintenance {
  private readonly tasks = new Map<string, Task>()

  constructor(private readonly logger?: Logger) {}

  /** Registers a task (a name is replaced); returns a function that removes it. */
  every(name: string, everyMs: number, run: (now: Date) => Promise<unknown>): () => void {
    if (!(everyMs > 0)) throw new Error(`Maintenance task "${name}" needs a positive interval`)
    const task: Task = { everyMs, run }
    this.tasks.set(name, task)
    return () => {
      if (this.tasks.get(name) === task) this.tasks.delete(name)
    }
  }

  names(): string[] {
    return [...this.tasks.keys()]
  }

  /** Runs the tasks that are due at `now`; a failing task is logged and tried again next interval. Answers the names run. */
  async run(now = new Date()): Promise<string[]> {
    const ran: string[] = []
    for (const [name, task] of this.tasks) {
      if (task.last !== undefined && now.getTime() - task.last < task.everyMs) continue
      task.last = now.getTime()
      ran.push(name)
      try {
        await task.run(now)
      } catch (err) {
        this.logger?.warn({ err: (err as Error).message, task: name }, 'maintenance task failed')
      }
    }
    return ran
  }
}
