import type { HookContext } from '@feathersjs/feathers'
import { describe, expect, it } from 'vitest'
import { pluginHooks, type HookSource } from '../dispatch.js'
import type { PluginHook } from '../types.js'

const contextWith = (source: HookSource | undefined, method = 'create') =>
  ({ method, app: { get: (k: string) => (k === 'plugins' ? source : undefined) } }) as unknown as HookContext

const tag =
  (log: string[], name: string): PluginHook =>
  async (_ctx, next) => {
    log.push(`${name}>`)
    await next()
    log.push(`<${name}`)
  }

describe('pluginHooks', () => {
  it('runs the hooks the source gives, around the service call, in order', async () => {
    const log: string[] = []
    const source: HookSource = {
      hooksFor: (entity, method) =>
        entity === 'order' && method === 'create' ? [tag(log, 'a'), tag(log, 'b')] : [],
    }
    await pluginHooks('order')(contextWith(source), async () => {
      log.push('service')
    })
    expect(log).toEqual(['a>', 'b>', 'service', '<b', '<a'])
  })

  it('asks again on every call, so a disabled plugin stops at once', async () => {
    let hooks: PluginHook[] = [async () => undefined]
    const source: HookSource = { hooksFor: () => hooks }
    let called = 0
    await pluginHooks('order')(contextWith(source), async () => void called++)
    expect(called).toBe(0) // the hook did not call next
    hooks = []
    await pluginHooks('order')(contextWith(source), async () => void called++)
    expect(called).toBe(1)
  })

  it('passes straight through without a host', async () => {
    let called = false
    await pluginHooks('order')(contextWith(undefined), async () => void (called = true))
    expect(called).toBe(true)
  })

  it('lets a hook stop the call with an error', async () => {
    const source: HookSource = {
      hooksFor: () => [
        async () => {
          throw new Error('no stock')
        },
      ],
    }
    await expect(pluginHooks('order')(contextWith(source), async () => undefined)).rejects.toThrow('no stock')
  })
})
