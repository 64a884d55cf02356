/** `rest()`: run commands over HTTP with the session's credentials. */
import type { PlumeClient } from './client.js'
import { isPlumeError } from './errors.js'
import { sendRequest, type RequestSpec } from './http.js'
import type { PlumeSchema } from './schema.js'
import type { Session } from './session.js'

/** What a command may look at when it is built. */
export interface CommandContext {
  session: Session
}

/** A request a command describes; `anonymous` skips credentials, `after` sees the answer. */
export interface CommandSpec extends RequestSpec {
  anonymous?: boolean
  after?(result: unknown, ctx: CommandContext): void | Promise<void>
}

/**
 * A command: a function that describes one request. `Out` is what it resolves with; `S` ties it
 * to a client's schema so `client.request(readItems('customers'))` is typed from the client.
 */
export type RestCommand<Out, S extends PlumeSchema> = ((ctx: CommandContext) => CommandSpec) & {
  readonly __out?: Out
  readonly __schema?: S
}

/** Members `rest()` adds. */
export interface RestClient<S extends PlumeSchema> {
  /**
   * Runs a command.
   * @example const page = await client.request(readItems('customers', { $limit: 10 }))
   */
  request<Out>(command: RestCommand<Out, S>): Promise<Out>
}

/** Options of `rest()`. */
export interface RestOptions {
  /** Retry once after a 401 with a refreshed token (default true). */
  renewOn401?: boolean
}

/**
 * REST transport for commands.
 * @example const client = createClient(url).with(rest())
 */
export function rest(options: RestOptions = {}) {
  return <S extends PlumeSchema>(client: PlumeClient<S>): RestClient<S> => ({
    async request<Out>(command: RestCommand<Out, S>): Promise<Out> {
      const { session } = client
      const spec = command({ session })
      const send = () =>
        sendRequest(client.fetch, client.url, {
          ...spec,
          headers: { ...client.headers, ...(spec.anonymous ? {} : session.headers()), ...spec.headers },
        })
      if (!spec.anonymous) await session.ready()
      let result: unknown
      try {
        result = await send()
      } catch (err) {
        // an expired access token: renew once and retry, so long-lived clients keep working
        if (
          spec.anonymous ||
          options.renewOn401 === false ||
          !isPlumeError(err) ||
          err.code !== 401 ||
          !session.canRenew()
        )
          throw err
        await session.renew()
        result = await send()
      }
      await spec.after?.(result, { session })
      return result as Out
    },
  })
}
