/** The one place the SDK talks HTTP: JSON in, JSON out, errors as `PlumeError`. */
import { toPlumeError } from './errors.js'

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** One request, relative to the client's URL. */
export interface RequestSpec {
  method: HttpMethod
  /** Path without the leading slash: `api/customers/7`. */
  path: string
  query?: Record<string, unknown>
  body?: unknown
  headers?: Record<string, string>
}

/**
 * Feathers' query string: nested objects and arrays in brackets.
 * @example encodeQuery({ id: { $in: [1, 2] }, $sort: { name: 1 } }) // 'id[$in][]=1&id[$in][]=2&$sort[name]=1'
 */
export function encodeQuery(query: Record<string, unknown>): string {
  const parts: string[] = []
  const key = (k: string) =>
    encodeURIComponent(k).replace(/%24/g, '$').replace(/%5B/g, '[').replace(/%5D/g, ']')
  const add = (prefix: string, value: unknown): void => {
    if (value === undefined) return
    if (Array.isArray(value)) for (const v of value) add(`${prefix}[]`, v)
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) add(`${prefix}[${k}]`, v)
    else parts.push(`${key(prefix)}=${encodeURIComponent(value === null ? 'null' : String(value))}`)
  }
  for (const [k, v] of Object.entries(query)) add(k, v)
  return parts.join('&')
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text()
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/**
 * Sends one request; resolves with the JSON answer, rejects with a `PlumeError`.
 * @example await sendRequest(fetch, 'http://127.0.0.1:3030', { method: 'GET', path: 'api/customers' })
 */
export async function sendRequest(
  fetchImpl: typeof fetch,
  baseUrl: string,
  spec: RequestSpec,
): Promise<unknown> {
  const qs = spec.query ? encodeQuery(spec.query) : ''
  const url = `${baseUrl.replace(/\/+$/, '')}/${spec.path.replace(/^\/+/, '')}${qs ? `?${qs}` : ''}`
  const headers: Record<string, string> = { accept: 'application/json', ...spec.headers }
  if (spec.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetchImpl(url, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
    })
  } catch (err) {
    throw toPlumeError(
      {
        name: 'Unavailable',
        className: 'unavailable',
        message: `Could not reach ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`,
      },
      0,
    )
  }
  const body = await bodyOf(res)
  if (!res.ok) throw toPlumeError(body, res.status)
  return body
}
