import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { firings, jobsOf, quietBackground, rule } from './helpers.js'

// #13.7 (firing log half): a firing whose action reaches nobody says so, and why, in its log
let p: TestPlatform
let token: string

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  token = await p.login()
})
afterAll(async () => {
  await p?.close()
})

const customer = async (code: string) => {
  const r = await p.http('POST', '/api/customers', { code, name: code }, token)
  expect(r.status).toBe(201)
  return r.body.id as number
}

describe('a rule that notifies nobody says so in its firing log', () => {
  it('names the role no active user holds, in English and Chinese', async () => {
    await rule(p, token, 'alert', {
      name: 'nobody-holds-role',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [] },
      actions: [{ type: 'notify', roles: ['warehouse'], title: 'New customer {{record.name}}' }],
    })
    const id = await customer('NR-1')
    await jobsOf(p).drain()
    const [f] = await firings(p, 'nobody-holds-role')
    expect(f).toMatchObject({
      status: 'fired',
      recordId: String(id),
      message: 'no recipients: no active user holds role "warehouse"',
    })
    expect(f!.actions).toEqual([
      expect.objectContaining({
        type: 'notify',
        status: 'done',
        outcome: expect.objectContaining({ notified: [] }),
        reason: {
          en: 'no recipients: no active user holds role "warehouse"',
          'zh-CN': '无接收人：没有在职用户拥有角色 "warehouse"',
        },
      }),
    ])
    // the dry run says so before anything fires
    const dry = await p.http('POST', `/api/alert-rules/${f!.ruleId}/dry-run`, { record: { id } }, token)
    expect(dry.body.actions[0].wouldDo).toMatchObject({
      messages: [],
      noRecipients: { en: 'no recipients: no active user holds role "warehouse"' },
    })
  })

  it('names users that do not exist or are inactive; a firing that reached someone has no such reason', async () => {
    await rule(p, token, 'alert', {
      name: 'nobody-by-id',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [] },
      actions: [
        { type: 'notify', users: [99999], title: 'x' },
        { type: 'notify', roles: ['admin'], title: 'y' },
      ],
    })
    await customer('NR-2')
    await jobsOf(p).drain()
    const [f] = await firings(p, 'nobody-by-id')
    expect(f!.message).toBe('no recipients: user 99999 does not exist or is inactive')
    expect(f!.actions[0].reason).toEqual({
      en: 'no recipients: user 99999 does not exist or is inactive',
      'zh-CN': '无接收人：用户 99999 不存在或已停用',
    })
    expect(f!.actions[1]).not.toHaveProperty('reason')
    expect(f!.actions[1].outcome.notified).toHaveLength(1)
  })
})
