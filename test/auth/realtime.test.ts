import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { createUser } from './helpers.js'

let p: TestPlatform
let admin: string
const sockets: Socket[] = []

beforeAll(async () => {
  p = await startTestPlatform()
  admin = await p.login()
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await p?.close()
})

async function connect(): Promise<Socket> {
  const socket = io(p.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  sockets.push(socket)
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
  return socket
}
const emit = <T>(socket: Socket, event: string, ...args: unknown[]) =>
  new Promise<T>((resolve, reject) =>
    socket.emit(event, ...args, (err: unknown, data: T) => (err ? reject(err) : resolve(data))),
  )

/** Collects `api/customers created` events on a socket. */
const collect = (socket: Socket) => {
  const seen: string[] = []
  socket.on('api/customers created', (c: { code: string }) => seen.push(c.code))
  return seen
}
const settle = () => new Promise((r) => setTimeout(r, 300))
const createCustomer = async (code: string) =>
  expect((await p.http('POST', '/api/customers', { code, name: code }, admin)).status).toBe(201)

describe('realtime connections follow revocation', () => {
  it('after deactivation the socket receives no events and its calls get 401', async () => {
    const id = await createUser(p, admin, {
      email: 'rt-leaver@test.local',
      password: 'rt-Leaver-123',
      roles: ['sales_manager'],
    })
    const socket = await connect()
    await emit(socket, 'create', 'api/authentication', {
      strategy: 'local',
      email: 'rt-leaver@test.local',
      password: 'rt-Leaver-123',
    })
    const seen = collect(socket)
    await createCustomer('RT-BEFORE')
    await settle()
    expect(seen).toEqual(['RT-BEFORE'])
    expect(await emit(socket, 'find', 'api/customers', { $limit: 1 })).toBeTruthy()

    expect((await p.http('PATCH', `/api/users/${id}`, { active: false }, admin)).status).toBe(200)
    await createCustomer('RT-AFTER')
    await settle()
    expect(seen).toEqual(['RT-BEFORE'])
    await expect(emit(socket, 'find', 'api/customers', {})).rejects.toMatchObject({ code: 401 })
  })

  it('after a password change the old socket is cut off and a new login works', async () => {
    const id = await createUser(p, admin, {
      email: 'rt-changer@test.local',
      password: 'rt-Changer-123',
      roles: ['sales_manager'],
    })
    const old = await connect()
    await emit(old, 'create', 'api/authentication', {
      strategy: 'local',
      email: 'rt-changer@test.local',
      password: 'rt-Changer-123',
    })
    const oldSeen = collect(old)
    // the user's own change (an admin's reset would also hold them to changing it at next login)
    const own = await p.login('rt-changer@test.local', 'rt-Changer-123')
    expect(
      (
        await p.http(
          'PATCH',
          `/api/users/${id}`,
          { password: 'rt-Changer-456', currentPassword: 'rt-Changer-123' },
          own,
        )
      ).status,
    ).toBe(200)
    const fresh = await connect()
    await emit(fresh, 'create', 'api/authentication', {
      strategy: 'local',
      email: 'rt-changer@test.local',
      password: 'rt-Changer-456',
    })
    const freshSeen = collect(fresh)
    // the revocation log reaches this instance too: it must not cut the new session
    await (p.app.get('auth') as { revocations: { sync(): Promise<void> } }).revocations.sync()
    await createCustomer('RT-PW')
    await settle()
    expect(oldSeen).toEqual([])
    expect(freshSeen).toEqual(['RT-PW'])
    await expect(emit(old, 'find', 'api/customers', {})).rejects.toMatchObject({ code: 401 })
    expect(await emit(fresh, 'find', 'api/customers', { $limit: 1 })).toBeTruthy()
  })

  it('a socket cannot re-authenticate with a revoked token', async () => {
    const token = await p.login()
    expect((await p.http('DELETE', '/api/authentication', undefined, token)).status).toBe(200)
    const socket = await connect()
    await expect(
      emit(socket, 'create', 'api/authentication', { strategy: 'jwt', accessToken: token }),
    ).rejects.toMatchObject({ code: 401 })
  })

  it('socket logout stops events', async () => {
    const socket = await connect()
    const auth = await emit<{ accessToken: string }>(socket, 'create', 'api/authentication', {
      strategy: 'local',
      email: p.adminEmail,
      password: p.adminPassword,
    })
    const seen = collect(socket)
    await emit(socket, 'remove', 'api/authentication', auth.accessToken)
    await createCustomer('RT-LOGOUT')
    await settle()
    expect(seen).toEqual([])
  })
})
