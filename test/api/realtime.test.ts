import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

let p: TestPlatform
let socket: Socket

const emit = <T>(event: string, ...args: unknown[]) =>
  new Promise<T>((resolve, reject) =>
    socket.emit(event, ...args, (err: unknown, data: T) => (err ? reject(err) : resolve(data))),
  )
const next = <T>(event: string) => new Promise<T>((resolve) => socket.once(event, resolve))

beforeAll(async () => {
  p = await startTestPlatform()
  socket = io(p.url, { transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
})
afterAll(async () => {
  socket?.close()
  await p?.close()
})

describe('realtime over socket.io', () => {
  it('refuses service calls before authentication', async () => {
    await expect(emit('find', 'api/customers', {})).rejects.toMatchObject({ code: 401 })
  })

  it('delivers created, patched and removed events to an authenticated connection', async () => {
    const auth = await emit<{ accessToken: string }>('create', 'api/authentication', {
      strategy: 'local',
      email: p.adminEmail,
      password: p.adminPassword,
    })
    expect(auth.accessToken).toBeTruthy()
    const created = next<{ code: string; id: number }>('api/customers created')
    const c = (await p.http('POST', '/api/customers', { code: 'RT-1', name: 'Realtime' }, await p.login()))
      .body
    expect((await created).code).toBe('RT-1')
    const patched = next<{ name: string }>('api/customers patched')
    await emit('patch', 'api/customers', c.id, { name: 'Live' }, {})
    expect((await patched).name).toBe('Live')
    const removed = next<{ id: number }>('api/customers removed')
    await emit('remove', 'api/customers', c.id, {})
    expect((await removed).id).toBe(c.id)
  })

  it('validates socket calls like REST calls', async () => {
    await expect(emit('create', 'api/customers', { code: 'RT-2' }, {})).rejects.toMatchObject({ code: 400 })
  })
})
