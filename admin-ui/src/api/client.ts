/**
 * The one way the UI talks to the server: a Feathers REST client over `fetch` for calls, and a
 * socket.io connection for realtime events. A 401 on any call ends the session.
 */
import { feathers } from '@feathersjs/feathers'
import rest from '@feathersjs/rest-client'
import { io, type Socket } from 'socket.io-client'
import type { Paginated, Row } from '../types/meta'
import { locale } from '../i18n'

const TOKEN_KEY = 'plume.token'

let token: string | null = localStorage.getItem(TOKEN_KEY)
let onExpired: (() => void) | undefined

/** Error as the server sends it (`{name, message, code, errors?, data?}`). */
export interface ApiError extends Error {
  code?: number
  className?: string
  errors?: Array<{ path: string; message: string }>
  data?: Record<string, unknown>
}

export const getToken = () => token

export function setToken(value: string | null): void {
  token = value
  if (value) localStorage.setItem(TOKEN_KEY, value)
  else localStorage.removeItem(TOKEN_KEY)
  reconnectSocket()
}

/** Called once by the session store: what to do when the server says the token is no good. */
export function onSessionExpired(fn: () => void): void {
  onExpired = fn
}

const authedFetch: typeof fetch = async (input, init = {}) => {
  const headers = new Headers(init.headers)
  if (token) headers.set('Authorization', `Bearer ${token}`)
  // the server words validation messages in the screen's language
  headers.set('Accept-Language', locale.value === 'zh-CN' ? 'zh-CN,zh;q=0.9' : 'en')
  const res = await fetch(input, { ...init, headers })
  if (res.status === 401 && token && !String(input).endsWith('/api/authentication')) onExpired?.()
  return res
}

const client = feathers().configure(rest(`${location.origin}`).fetch(authedFetch))

type Query = Record<string, unknown>

/** `api/<path>` service calls. */
export const api = {
  find<T = Row>(path: string, query: Query = {}): Promise<Paginated<T>> {
    return client.service(`api/${path}`).find({ query }) as Promise<Paginated<T>>
  },
  get<T = Row>(path: string, id: number | string, query: Query = {}): Promise<T> {
    return client.service(`api/${path}`).get(id, { query }) as Promise<T>
  },
  create<T = Row>(path: string, data: Record<string, unknown>): Promise<T> {
    return client.service(`api/${path}`).create(data) as Promise<T>
  },
  patch<T = Row>(path: string, id: number | string, data: Record<string, unknown>): Promise<T> {
    return client.service(`api/${path}`).patch(id, data) as Promise<T>
  },
  remove<T = Row>(path: string, id: number | string): Promise<T> {
    return client.service(`api/${path}`).remove(id) as Promise<T>
  },
  /** `POST /api/<plural>/:id/<action>` */
  action<T = unknown>(
    plural: string,
    id: number | string,
    action: string,
    data: Record<string, unknown> = {},
  ): Promise<T> {
    return client.service(`api/${plural}/${id}/${action}`).create(data) as Promise<T>
  },
  /** Every page of a query, `$limit` rows at a time, up to `max` rows. */
  async findAll<T = Row>(
    path: string,
    query: Query,
    opts: { pageSize?: number; max?: number; onPage?: (n: number) => void } = {},
  ): Promise<{ rows: T[]; complete: boolean }> {
    const pageSize = opts.pageSize ?? 500
    const max = opts.max ?? 100_000
    const rows: T[] = []
    for (;;) {
      const page = await api.find<T>(path, { ...query, $limit: pageSize, $skip: rows.length, $total: false })
      rows.push(...page.data)
      opts.onPage?.(rows.length)
      if (page.data.length < pageSize) return { rows, complete: true }
      if (rows.length >= max) return { rows, complete: false }
    }
  },
}

/** `POST /api/authentication` with email and password. */
export async function authenticate(
  email: string,
  password: string,
): Promise<{ accessToken: string; user: Row }> {
  return client.service('api/authentication').create({ strategy: 'local', email, password }) as Promise<{
    accessToken: string
    user: Row
  }>
}

let socket: Socket | undefined

/** The realtime connection, authenticated with the current token (re-authenticates on reconnect). */
export function realtime(): Socket {
  if (socket) return socket
  socket = io(location.origin, { transports: ['websocket'], autoConnect: true })
  socket.on('connect', () => {
    if (token)
      socket?.emit('create', 'api/authentication', { strategy: 'jwt', accessToken: token }, () => undefined)
  })
  return socket
}

function reconnectSocket(): void {
  if (!socket) return
  socket.disconnect()
  if (token) socket.connect()
}
