import { Writable } from 'node:stream'
import type { Knex } from 'knex'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoLogins } from '@plume/core/internal'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

/**
 * The demo (#13.7, #13.18): every domain has history to show, dated over the past months, and
 * every role has a user to try it with.
 */
let p: TestPlatform
let started: number
const warnings: string[] = []

beforeAll(async () => {
  started = Date.now()
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) warnings.push((JSON.parse(line) as { msg: string }).msg)
      done()
    },
  })
  p = await startTestPlatform({ demo: true, logger: pino({ level: 'warn' }, sink) })
}, 900_000)
afterAll(async () => p?.close())

const count = async (
  table: string,
  where: (q: Knex.QueryBuilder) => unknown = () => undefined,
): Promise<number> => {
  const q = p.db.knex(table)
  where(q)
  const row = (await q.count({ c: '*' }).first()) as { c: string | number }
  return Number(row.c)
}

describe('demo data', () => {
  it('fills every domain', async () => {
    const tables = [
      'products',
      'warehouses',
      'stock_levels',
      'stock_movements',
      'price_lists',
      'partners',
      'partner_tiers',
      'territories',
      'customers',
      'contacts',
      'segments',
      'activities',
      'orders',
      'order_lines',
      'invoices',
      'payments',
      'payment_allocations',
      'credit_notes',
      'campaigns',
      'promotions',
      'tickets',
      'ticket_messages',
      'sla_policies',
      'commission_plans',
      'commission_accruals',
      'payout_batches',
      'credit_limits',
      'risk_assessments',
      'suppliers',
      'supplier_items',
      'purchase_orders',
      'purchase_order_lines',
    ]
    const empty: string[] = []
    for (const t of tables) if ((await count(t)) === 0) empty.push(t)
    expect(empty).toEqual([])
  })

  it('dates customers over years, so "new customers" counts customers and not the seeding', async () => {
    const k = p.db.knex
    const seededNow = await count('customers', (q) =>
      q.where('createdAt', '>=', new Date(started - 60_000).toISOString()),
    )
    expect(seededNow).toBe(0)
    const lastMonth = await count('customers', (q) =>
      q.where('createdAt', '>=', new Date(Date.now() - 30 * 86_400_000).toISOString()),
    )
    expect(lastMonth).toBeGreaterThan(0)
    expect(lastMonth).toBeLessThan(60)
    const months = (await k.raw(
      `select count(distinct to_char("createdAt" at time zone 'UTC', 'YYYY-MM'))::int as n from customers`,
    )) as { rows: Array<{ n: number }> }
    expect(months.rows[0]!.n).toBeGreaterThanOrEqual(24)
    // nobody bought before they became a customer
    const early = (await k.raw(
      `select count(*)::int as n from orders o join customers c on c.id = o."customerId" where o."orderDate" < c."createdAt"`,
    )) as { rows: Array<{ n: number }> }
    expect(early.rows[0]!.n).toBe(0)
  })

  it('spreads the other histories over the past months too', async () => {
    const k = p.db.knex
    const spread = async (table: string, column: string) => {
      const r = (await k.raw(
        `select count(distinct to_char("${column}" at time zone 'UTC', 'YYYY-MM'))::int as n from ${table}`,
      )) as { rows: Array<{ n: number }> }
      return r.rows[0]!.n
    }
    expect(await spread('activities', 'occurredAt')).toBeGreaterThanOrEqual(6)
    expect(await spread('tickets', 'openedAt')).toBeGreaterThanOrEqual(4)
    expect(await spread('campaigns', 'startsAt')).toBeGreaterThanOrEqual(5)
    expect(await spread('commission_accruals', 'createdAt')).toBeGreaterThanOrEqual(10)
    const statuses = (await k('tickets').distinct('status')) as Array<{ status: string }>
    expect(statuses.map((s) => s.status).sort()).toEqual(
      expect.arrayContaining(['closed', 'in_progress', 'new', 'resolved', 'waiting']),
    )
    // SLA clocks from the policies; some targets missed, most met
    expect(await count('tickets', (q) => q.whereNull('resolutionDueAt'))).toBe(0)
    const breached = await count('tickets', (q) => q.where('slaBreached', true))
    expect(breached).toBeGreaterThan(0)
    expect(breached).toBeLessThan(await count('tickets'))
    const batches = (await k('payout_batches').distinct('status')) as Array<{ status: string }>
    expect(batches.map((b) => b.status).sort()).toEqual(['approved', 'paid'])
    const campaigns = (await k('campaigns').distinct('status')) as Array<{ status: string }>
    expect(campaigns.map((c) => c.status)).toEqual(
      expect.arrayContaining(['active', 'completed', 'scheduled']),
    )
  })

  it('keeps credit notes and invoices consistent: credited + paid never exceeds the total, status follows', async () => {
    const bad = (await p.db.knex.raw(`select i.number from invoices i
      left join (select "invoiceId", sum(amount) as s from credit_notes where status = 'applied' group by 1) c on c."invoiceId" = i.id
      where coalesce(c.s, 0) <> i."creditTotal" or i."amountPaid" + i."creditTotal" > i.total
         or i.status <> case when i."amountPaid" + i."creditTotal" >= i.total then 'paid' when i."amountPaid" + i."creditTotal" > 0 then 'partially_paid' else 'issued' end`)) as {
      rows: unknown[]
    }
    expect(bad.rows).toEqual([])
  })

  it('has a user for every role who can sign in, each printed once at start-up', async () => {
    const { password, logins } = demoLogins(p.app)
    const roles = [
      'admin',
      'sales_manager',
      'sales_rep',
      'warehouse',
      'finance',
      'service_agent',
      'auditor',
      'purchaser',
      'partner_admin',
      'partner_user',
    ]
    const missing: string[] = []
    for (const role of roles) {
      if (role === 'admin') {
        await p.login()
        continue
      }
      const login = logins.find((l) => l.roles.includes(role))
      if (!login) {
        missing.push(role)
        continue
      }
      const r = await p.http('POST', '/api/authentication', {
        strategy: 'local',
        email: login.email,
        password,
      })
      expect(r.status, login.email).toBe(201)
      expect(r.body.user.roles).toContain(role)
    }
    expect(missing).toEqual([])
    // printed once after seeding: the shared password, then a line per role with its e-mails
    expect(warnings.filter((w) => w.startsWith('demo logins'))).toEqual([
      `demo logins (shown once), password for all of them: ${password}`,
    ])
    for (const role of roles.filter((r) => r !== 'admin'))
      expect(warnings, role).toContainEqual(
        expect.stringMatching(new RegExp(`^demo login ${role}: .+@demo\\.plume\\.local`)),
      )
  })

  it('gives the demo staff their own work: reps own customers and orders, agents have tickets', async () => {
    const { password, logins } = demoLogins(p.app)
    const rep = logins.find((l) => l.roles.includes('sales_rep'))!
    const token = await p.login(rep.email, password)
    const customers = await p.http('GET', '/api/customers?$limit=1', undefined, token)
    expect(customers.body.total).toBeGreaterThan(0)
    const orders = await p.http('GET', '/api/orders?$limit=1', undefined, token)
    expect(orders.body.total).toBeGreaterThan(0)
    const agent = logins.find((l) => l.roles.includes('service_agent'))!
    expect(await count('tickets', (q) => q.where('assigneeId', agent.id))).toBeGreaterThan(0)
  })
})
