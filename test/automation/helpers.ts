import { io, type Socket } from 'socket.io-client'
import { automationOf, type JobQueue, type AutomationEngine } from '@plume/core/internal'
import type { TestPlatform } from '@plume/core/testing'

// tests drive the queue and the scheduler themselves (deterministic `now`)
export function quietBackground(): void {
  process.env.PLUME_JOBS = '0'
  process.env.PLUME_SCHEDULER = '0'
}

export const jobsOf = (p: TestPlatform) => p.app.get('jobs') as JobQueue
export const engineOf = (p: TestPlatform): AutomationEngine => automationOf(p.app)

export async function user(
  p: TestPlatform,
  token: string,
  email: string,
  roles: string[],
  partnerId?: number,
): Promise<{ id: number; email: string; password: string }> {
  const password = 'User-Secret-1234'
  const r = await p.http(
    'POST',
    '/api/users',
    { email, name: email.split('@')[0], password, roles, locale: 'en', ...(partnerId ? { partnerId } : {}) },
    token,
  )
  if (r.status !== 201) throw new Error(`user → ${r.status} ${JSON.stringify(r.body)}`)
  return { id: r.body.id as number, email, password }
}

/** A rule through the API; fails loudly. */
export async function rule(
  p: TestPlatform,
  token: string,
  kind: 'alert' | 'automation',
  definition: unknown,
  enabled = true,
): Promise<{ id: number; version: number }> {
  const r = await p.http('POST', '/api/alert-rules', { kind, definition, enabled }, token)
  if (r.status !== 201) throw new Error(`rule → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as { id: number; version: number }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function firings(p: TestPlatform, ruleName: string): Promise<Array<Record<string, any>>> {
  return (await p.app.service('api/alert-firings').find({ query: { ruleName, $limit: 500 } })).data
}

/** A socket.io connection signed in as a user, collecting the notification events it receives. */
export async function socketAs(
  p: TestPlatform,
  email: string,
  password: string,
): Promise<{ socket: Socket; received: Array<Record<string, unknown>> }> {
  const socket = io(p.url, { transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  await new Promise((resolve, reject) =>
    socket.emit(
      'create',
      'api/authentication',
      { strategy: 'local', email, password },
      (err: unknown, res: unknown) => (err ? reject(new Error(JSON.stringify(err))) : resolve(res)),
    ),
  )
  const received: Array<Record<string, unknown>> = []
  socket.on('api/notifications created', (d: Record<string, unknown>) => received.push(d))
  return { socket, received }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
