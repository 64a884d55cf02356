import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'

/**
 * The body parser's errors as client errors: its own (bad JSON, too large, unsupported
 * encoding) carry a 4xx status already; a body that does not decode (`Content-Encoding: gzip`
 * on bytes that are not gzip) throws a bare zlib error, which would read as a server fault.
 * @example bodyParser({ onError: rethrowBodyError })
 */
export function rethrowBodyError(err: Error): never {
  const status = (err as { status?: unknown }).status
  if (typeof status === 'number' && status >= 400 && status < 500) throw err
  throw new BadRequest('Malformed request: the body could not be decoded; check its Content-Encoding', {
    errors: [{ path: '', message: 'could not be decoded' }],
  })
}

const NUL = '\u0000'
const MAX_DEPTH = 64
const MAX_FOUND = 10

/** JSON pointers (`/lines/0/note`) of keys and strings holding a NUL character. */
function nulPaths(value: unknown, path: string, out: string[], depth = 0): string[] {
  if (out.length >= MAX_FOUND || depth > MAX_DEPTH) return out
  if (typeof value === 'string') {
    if (value.includes(NUL)) out.push(path)
  } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [key, v] of Object.entries(value)) {
      const at = `${path}/${key.replaceAll(NUL, '\\u0000')}`
      if (key.includes(NUL)) out.push(at)
      else nulPaths(v, at, out, depth + 1)
    }
  }
  return out
}

/**
 * App-level hook: a NUL character (`\u0000`) in a query value or in a string of the body is a
 * 400 naming the field, for every service and transport. PostgreSQL stores no NUL in text or
 * JSON, so letting it through would fail deep inside a write as a server error.
 * @example app.hooks({ around: { all: [rejectNulText()] } })
 */
export const rejectNulText = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) {
    const inQuery = nulPaths(context.params.query, '', [])
    if (inQuery.length) throw nulError('query', inQuery)
    const inData = nulPaths(context.data, '', [])
    if (inData.length) throw nulError('data', inData)
  }
  return next()
}

const nulError = (where: 'query' | 'data', paths: string[]) =>
  new BadRequest(
    `Invalid ${where}: ${paths[0]!.slice(1) || 'the value'} must not contain a NUL character (\\u0000)`,
    {
      errors: paths.map((path) => ({ path, message: 'must not contain a NUL character (\\u0000)' })),
    },
  )
