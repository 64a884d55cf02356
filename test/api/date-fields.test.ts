// `format: date` fields are calendar days: they round-trip as `YYYY-MM-DD` (never an ISO timestamp,
// never shifted by the server's time zone) in REST answers, filters, realtime events and report exports.
process.env.TZ = 'Asia/Shanghai'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { signedInSocket, type Inbox } from './sockets.js'

let p: TestPlatform
let token: string
let inbox: Inbox

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  inbox = await signedInSocket(p, p.adminEmail, p.adminPassword)
}, 400_000)
afterAll(async () => {
  inbox?.close()
  await p?.close()
})

const api = (method: string, path: string, body?: unknown) => p.http(method, path, body, token)

describe('date fields are calendar days', () => {
  it('the test process runs east of UTC (a local-midnight parse would shift the day)', () => {
    expect(new Date(2026, 11, 7).getTimezoneOffset()).toBe(-480)
  })

  it('create, get, list and patch answer YYYY-MM-DD', async () => {
    const c = await api('POST', '/api/price-lists', {
      code: 'D-1',
      name: 'Winter',
      validFrom: '2026-12-07',
      validTo: '2027-01-31',
    })
    expect(c.status, JSON.stringify(c.body)).toBe(201)
    expect(c.body).toMatchObject({ validFrom: '2026-12-07', validTo: '2027-01-31' })
    const g = await api('GET', `/api/price-lists/${c.body.id}`)
    expect(g.body).toMatchObject({ validFrom: '2026-12-07', validTo: '2027-01-31' })
    const l = await api('GET', '/api/price-lists?code=D-1')
    expect(l.body.data[0]).toMatchObject({ validFrom: '2026-12-07', validTo: '2027-01-31' })
    const pa = await api('PATCH', `/api/price-lists/${c.body.id}`, { validTo: '2027-02-28' })
    expect(pa.status, JSON.stringify(pa.body)).toBe(200)
    expect(pa.body).toMatchObject({ validFrom: '2026-12-07', validTo: '2027-02-28' })
  })

  it('filters on a date field still match (equality and ranges)', async () => {
    await api('POST', '/api/price-lists', { code: 'D-2', name: 'Spring', validFrom: '2027-03-01' })
    const eq = await api('GET', '/api/price-lists?validFrom=2026-12-07')
    expect(eq.body.data.map((r: { code: string }) => r.code)).toEqual(['D-1'])
    const range = await api('GET', '/api/price-lists?validFrom[$gte]=2027-01-01&validFrom[$lt]=2027-03-02')
    expect(range.body.data.map((r: { code: string }) => r.code)).toEqual(['D-2'])
  })

  it('realtime created and patched events carry YYYY-MM-DD', async () => {
    const c = await api('POST', '/api/price-lists', { code: 'D-RT', name: 'Live', validFrom: '2026-12-31' })
    const created = await inbox.until('api/price-lists created', (d) => d.id === c.body.id)
    expect(created.validFrom).toBe('2026-12-31')
    await api('PATCH', `/api/price-lists/${c.body.id}`, { validTo: '2027-01-01' })
    const patched = await inbox.until(
      'api/price-lists patched',
      (d) => d.id === c.body.id && d.validTo !== null,
    )
    expect(patched).toMatchObject({ validFrom: '2026-12-31', validTo: '2027-01-01' })
  })

  it('a report on a date dimension, with a date filter, exports the days as written', async () => {
    const r = await api('POST', '/api/reports', {
      code: 'lists-by-start',
      name: 'Lists by start',
      entity: 'priceList',
      dimensions: ['validFrom'],
      measures: [{ fn: 'count', as: 'n' }],
      filters: { validFrom: { $gte: '2026-12-01' } },
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const run = await api('GET', '/api/reports/lists-by-start/run')
    expect(run.status, JSON.stringify(run.body)).toBe(200)
    const days = (run.body.rows as Array<{ validFrom: string }>).map((x) => x.validFrom).sort()
    expect(days).toEqual(['2026-12-07', '2026-12-31', '2027-03-01'])
    const csv = await api('GET', '/api/reports/lists-by-start/run?format=csv')
    expect(csv.status).toBe(200)
    expect(String(csv.body)).toMatch(/2026-12-07/)
    expect(String(csv.body)).not.toMatch(/T\d\d:\d\d/)
  })
})
