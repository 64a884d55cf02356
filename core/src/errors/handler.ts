import { FeathersError, GeneralError, NotFound } from '@feathersjs/errors'
import type { Middleware } from 'koa'
import type { Logger } from 'pino'
import { causeOf, fromForeignFeathersError } from './foreign.js'

/**
 * Koa error handler: Feathers errors become their JSON; anything else is logged and answered as a
 * bare 500 so that no SQL, stack trace or path reaches a client.
 */
export const errorHandler =
  (logger?: Logger): Middleware =>
  async (ctx, next) => {
    try {
      await next()
      if (ctx.body === undefined && ctx.status === 404) throw new NotFound(`Path ${ctx.path} not found`)
    } catch (error: unknown) {
      let fe: FeathersError
      const foreign = fromForeignFeathersError(error)
      if (error instanceof FeathersError) fe = error
      else if (foreign) fe = foreign
      else if (isKoaClientError(error)) fe = new FeathersErrorFromStatus(error.status, error.message)
      else {
        logger?.error({ err: error, path: ctx.path }, 'unhandled error')
        fe = new GeneralError('Internal error')
      }
      // a 500 the service layer made of a plain error is logged with that error's message and stack
      if (fe.code >= 500 && error instanceof FeathersError)
        logger?.error({ err: causeOf(error), path: ctx.path }, 'server error')
      ctx.status = fe.code
      const body = fe.toJSON() as unknown as Record<string, unknown>
      delete body.stack
      if (fe.code >= 500) delete body.data
      ctx.body = body
      const retryAfter = (fe.data as { retryAfter?: number } | undefined)?.retryAfter
      if (retryAfter) ctx.set('Retry-After', String(retryAfter))
    }
  }

interface KoaClientError {
  status: number
  message: string
  expose?: boolean
}
const isKoaClientError = (e: unknown): e is KoaClientError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as KoaClientError).status === 'number' &&
  (e as KoaClientError).status >= 400 &&
  (e as KoaClientError).status < 500

class FeathersErrorFromStatus extends FeathersError {
  constructor(status: number, message: string) {
    // body parser errors (bad JSON, too large) are client errors; keep their short message only
    super(
      status === 413 ? 'Payload too large' : 'Malformed request: ' + message.split('\n')[0],
      'BadRequest',
      status,
      status === 413 ? 'payload-too-large' : 'bad-request',
      {},
    )
  }
}
