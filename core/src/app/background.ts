import type { PlumeApp } from '../kernel/types.js'

/**
 * Runs `tick` every `everyMs` while the app runs — from `setup` (listen) to `teardown` (close),
 * never two at once; a failure goes to `onError` and the next tick runs as planned. Registered
 * as a service without methods (nothing exposed over REST or socket.io).
 * @example whileRunning(app, 'plume-rule-sync', 2000, () => sync.check(), (err) => logger.warn({ err }))
 */
export function whileRunning(
  app: PlumeApp,
  name: string,
  everyMs: number,
  tick: () => Promise<unknown>,
  onError: (err: unknown) => void,
): void {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> | undefined
  app.use(
    name,
    {
      async setup() {
        timer = setInterval(() => {
          running ??= tick()
            .catch(onError)
            .finally(() => (running = undefined))
        }, everyMs)
        timer.unref()
      },
      async teardown() {
        clearInterval(timer)
        await running
      },
    } as never,
    { methods: [], events: [] },
  )
}

/** A positive number of milliseconds from the environment, else `fallback`. */
export const msFromEnv = (name: string, fallback: number): number =>
  Number(process.env[name]) > 0 ? Number(process.env[name]) : fallback
