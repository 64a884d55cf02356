/**
 * The operations screens of #15 in Chromium against a whole platform: a payment allocated to two
 * invoices (their open amounts drop), the credit-hold queue (release with a required note; a new
 * hold appears live), the ticket board (a move by dragging, a refused move snaps back with the
 * server's message) and the CRM calendar (an activity shown and opened). Screenshots en/zh-CN at
 * 1440 and 390 px; at 390 px nothing scrolls sideways and the zh-CN screens show no English.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ordersApi } from '@plume/plugin-orders'
import { financeFixture, orderIn, post, type FinanceFixture } from '../finance/fixtures.js'
import { ensureAdminBuilt, launch, login, shot } from './browser.js'
import { loginNarrow } from './phone.js'

let p: TestPlatform
let f: FinanceFixture
let browser: Browser
const pageErrors: string[] = []
const inv: Array<{ id: number; number: string }> = []
let heldCustomerId: number
let heldOrder: { id: number; number: string }
let newTicket: { id: number; number: string }
let assignedTicket: { id: number; number: string }
let activityId: number
let agentId: number

async function open(width: number, locale: 'en-US' | 'zh-CN', path: string, ready: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale })
  const page = await ctx.newPage()
  page.setDefaultTimeout(120_000)
  page.on('pageerror', (err) => pageErrors.push(String(err)))
  if (width < 600) await loginNarrow(page, p.url, p.adminEmail, p.adminPassword)
  else await login(page, p.url, p.adminEmail, p.adminPassword)
  await page.goto(`${p.url}/admin/x/${path}`)
  await page.waitForSelector(`[data-test="${ready}"]`)
  return page
}

/** Types into a relation picker and takes the option with `name`. */
async function pick(page: Page, picker: string, name: string): Promise<void> {
  await page.click(`[data-test="${picker}"]`)
  await page.keyboard.type(name.split(' ')[0]!)
  const option = page.locator(`.el-select-dropdown__item:has-text("${name}")`).locator('visible=true').first()
  await option.waitFor()
  await option.click()
}

const openAmount = (page: Page, number: string) =>
  page.locator(`[data-test="payment-invoice-${number}"] [data-test="open"]`).innerText()
const holdOf = async (orderId: number) =>
  (await p.db.knex('credit_holds').where({ orderId }).first('status', 'note')) as {
    status: string
    note: string
  }
const ticketStatus = async (id: number) =>
  ((await p.db.knex('tickets').where({ id }).first('status')) as { status: string }).status

async function heldOrderFor(customerId: number): Promise<{ id: number; number: string }> {
  const o = (await p.app.service('api/orders').create({
    customerId,
    warehouseId: f.warehouseId,
    lines: [{ productId: f.products.widget, quantity: 5 }],
  })) as { id: number; number: string }
  await p.db.knex.transaction((trx) => ordersApi(p.app).transition(trx, o.id, 'submit'))
  return o
}

beforeAll(async () => {
  ensureAdminBuilt()
  p = await startTestPlatform()
  f = await financeFixture(p, 'OPS')
  const today = new Date().toISOString().slice(0, 10)
  // two issued invoices of the direct customer: 10 × 10.00 + 13% = 113.00 and 3 × 10.00 + 13% = 33.90
  for (const quantity of [10, 3]) {
    const o = await orderIn(
      p,
      f,
      'delivered',
      [{ productId: f.products.widget, quantity }],
      f.otherCustomerId,
    )
    const draft = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [o.id] })
    const issued = await post(p, f.token, `/api/invoices/${draft.id}/issue`, { issueDate: today })
    inv.push({ id: issued.id as number, number: issued.number as string })
  }
  // a customer with a tiny credit limit: its submitted order goes on credit hold
  heldCustomerId = (
    await post(p, f.token, '/api/customers', {
      code: 'held-ops',
      name: 'Heldco Trading',
      creditLimit: '1.00',
    })
  ).id as number
  heldOrder = await heldOrderFor(heldCustomerId)
  // tickets: one new, one assigned to an agent
  const agent = await post(p, f.token, '/api/users', {
    email: 'agent@ops.test',
    name: 'Agnes Agent',
    password: 'agent-password-1',
    roles: ['service_agent'],
    locale: 'en',
  })
  newTicket = (await post(p, f.token, '/api/tickets', {
    customerId: f.otherCustomerId,
    subject: 'Drill arrived broken',
    priority: 'high',
  })) as { id: number; number: string }
  assignedTicket = (await post(p, f.token, '/api/tickets', {
    customerId: f.otherCustomerId,
    subject: 'Invoice address wrong',
    priority: 'normal',
  })) as { id: number; number: string }
  agentId = agent.id as number
  await post(p, f.token, `/api/tickets/${assignedTicket.id}/assign`, { assigneeId: agent.id })
  activityId = (
    await post(p, f.token, '/api/activities', {
      customerId: f.otherCustomerId,
      kind: 'visit',
      subject: 'Quarterly review visit',
      occurredAt: `${today}T10:00:00.000Z`,
    })
  ).id as number
  browser = await launch()
}, 900_000)
afterAll(async () => {
  await browser?.close()
  await p?.close()
})

describe('operations screens', () => {
  it('records a payment allocated to two invoices; their open amounts drop', async () => {
    const page = await open(1440, 'en-US', 'finance/payments/new', 'payment-entry')
    await pick(page, 'payment-customer', `Direct OPS`)
    await page.waitForSelector(`[data-test="payment-invoice-${inv[1]!.number}"]`)
    expect([await openAmount(page, inv[0]!.number), await openAmount(page, inv[1]!.number)]).toEqual([
      expect.stringContaining('113.00'),
      expect.stringContaining('33.90'),
    ])
    await page.fill('[data-test="payment-amount"] input', '150.00')
    await page.fill('[data-test="payment-reference"] input', 'BANK-7781')
    await page.click('[data-test="payment-auto"]')
    // 150.00 covers both (113.00 + 33.90): 3.10 stays unallocated
    expect(await page.locator('[data-test="payment-remaining"]').innerText()).toContain('3.10')
    // by hand instead: 113.00 and 20.00, the rest (17.00) stays unallocated
    await page.fill(`[data-test="payment-invoice-${inv[1]!.number}"] [data-test="alloc"] input`, '20.00')
    expect(await page.locator('[data-test="payment-remaining"]').innerText()).toContain('17.00')
    await page.fill(`[data-test="payment-invoice-${inv[1]!.number}"] [data-test="alloc"] input`, '40.00')
    await page.waitForSelector(`[data-test="payment-invoice-${inv[1]!.number}"] .bad-text`)
    await page.fill(`[data-test="payment-invoice-${inv[1]!.number}"] [data-test="alloc"] input`, '20.00')
    await shot(page, 'payment-entry-1440-en')
    await page.click('[data-test="payment-save"]')
    await page.waitForSelector('[data-test="payment-message-success"]')
    // the paid invoice leaves the list; the other one shows what is still open
    await page.waitForSelector(`[data-test="payment-invoice-${inv[0]!.number}"]`, { state: 'detached' })
    expect(await openAmount(page, inv[1]!.number)).toContain('13.90')
    const paid = (await p.db
      .knex('invoices')
      .whereIn(
        'id',
        inv.map((i) => i.id),
      )
      .orderBy('id')
      .select('amountPaid', 'status')) as Array<{ amountPaid: string; status: string }>
    expect(paid.map((r) => [String(r.amountPaid), r.status])).toEqual([
      ['113.00', 'paid'],
      ['20.00', 'partially_paid'],
    ])
    const payment = (await p.db
      .knex('payments')
      .where({ reference: 'BANK-7781' })
      .first('amount', 'unallocated')) as { amount: string; unallocated: string }
    expect([String(payment.amount), String(payment.unallocated)]).toEqual(['150.00', '17.00'])
    await page.context().close()
  })

  it('releases a credit hold with a required note; a new hold appears live', async () => {
    const page = await open(1440, 'en-US', 'risk/holds', 'hold-queue')
    const card = `[data-test="hold-${heldOrder.number}"]`
    await page.waitForSelector(card)
    expect(await page.locator(card).innerText()).toContain('Heldco Trading')
    await shot(page, 'credit-holds-1440-en')
    await page.click(`${card} [data-test="hold-release"]`)
    await page.click('[data-test="hold-confirm"]')
    await page.waitForSelector('text=A note is required')
    await page.fill('[data-test="hold-note"] textarea', 'Customer paid in advance')
    await page.click('[data-test="hold-confirm"]')
    await page.waitForSelector(card, { state: 'detached' })
    expect(await holdOf(heldOrder.id)).toEqual({ status: 'released', note: 'Customer paid in advance' })
    // realtime: a hold made elsewhere shows up without reloading
    const next = await heldOrderFor(heldCustomerId)
    await page.waitForSelector(`[data-test="hold-${next.number}"]`)
    expect(pageErrors).toEqual([])
    await page.context().close()
  })

  it("moves a ticket across the board by dragging; a refused move snaps back with the server's message", async () => {
    const page = await open(1440, 'en-US', 'service/board', 'ticket-board')
    const card = (t: { number: string }) => `[data-test="board-card-${t.number}"]`
    await page.waitForSelector(`[data-test="board-col-assigned"] ${card(assignedTicket)}`)
    await shot(page, 'ticket-board-1440-en')
    // drag the assigned ticket into "In progress" (the start action)
    const from = (await page.locator(card(assignedTicket)).boundingBox())!
    const to = (await page.locator('[data-test="board-col-in_progress"]').boundingBox())!
    await page.mouse.move(from.x + 20, from.y + 10)
    await page.mouse.down()
    await page.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 8 })
    await page.mouse.move(to.x + to.width / 2 + 2, to.y + 62)
    await page.mouse.up()
    await page.waitForSelector(`[data-test="board-col-in_progress"] ${card(assignedTicket)}`)
    await page.waitForSelector('[data-test="board-message-success"]')
    expect(await ticketStatus(assignedTicket.id)).toBe('in_progress')
    // only allowed moves are offered: a new ticket cannot be resolved directly
    await page.click(`[data-test="board-move-${newTicket.number}"]`)
    const assign = page
      .locator(`[data-test="board-move-${newTicket.number}-assigned"]`)
      .locator('visible=true')
    await page.waitForSelector(`[data-test="board-move-${newTicket.number}-assigned"]:not(.is-disabled)`)
    expect(
      await page
        .locator(`[data-test="board-move-${newTicket.number}-resolved"]`)
        .locator('visible=true')
        .getAttribute('aria-disabled'),
    ).toBe('true')
    // assigning asks to whom; left empty, the admin (no service agent) is refused and the card goes back
    await assign.click()
    await page.waitForSelector('[data-test="board-assign-dialog"]')
    await shot(page, 'ticket-board-assign-1440-en')
    await page.click('[data-test="board-assign-confirm"]')
    await page.waitForSelector('[data-test="board-message-error"]')
    expect(await page.locator('[data-test="board-message-error"]').innerText()).toMatch(
      /service_agent|assignee/i,
    )
    await page.waitForSelector(`[data-test="board-col-new"] ${card(newTicket)}`)
    expect(await ticketStatus(newTicket.id)).toBe('new')
    // with an agent chosen in the dialog, the ticket is assigned to that agent
    await page.click(`[data-test="board-move-${newTicket.number}"]`)
    await page.waitForSelector(`[data-test="board-move-${newTicket.number}-assigned"]:not(.is-disabled)`)
    await assign.click()
    await pick(page, 'board-assign-user', 'Agnes Agent')
    await page.click('[data-test="board-assign-confirm"]')
    await page.waitForSelector(`[data-test="board-col-assigned"] ${card(newTicket)}`)
    await page.waitForSelector('[data-test="board-message-success"]')
    expect(await p.db.knex('tickets').where({ id: newTicket.id }).first('status', 'assigneeId')).toEqual({
      status: 'assigned',
      assigneeId: agentId,
    })
    expect(pageErrors).toEqual([])
    await page.context().close()
  })

  it('shows an activity on the calendar (month and week) and opens it', async () => {
    const page = await open(1440, 'en-US', 'crm/calendar', 'crm-calendar')
    const entry = `[data-test="cal-entry-a${activityId}"]`
    await page.waitForSelector(entry)
    expect(await page.locator(entry).innerText()).toContain('Quarterly review visit')
    await shot(page, 'calendar-month-1440-en')
    await page.click('[data-test="cal-week"]')
    await page.waitForSelector(entry)
    await shot(page, 'calendar-week-1440-en')
    await page.click(entry)
    await page.waitForURL(new RegExp(`/e/activities/${activityId}$`))
    await page.context().close()
  })

  const SCREENS = [
    { path: 'finance/payments/new', ready: 'payment-entry', name: 'payment-entry' },
    { path: 'risk/holds', ready: 'hold-queue', name: 'credit-holds' },
    { path: 'service/board', ready: 'ticket-board', name: 'ticket-board' },
    { path: 'crm/calendar', ready: 'crm-calendar', name: 'calendar-month' },
  ]
  // data on screen (names, numbers, currency) is not interface text
  const DATA =
    /Direct OPS|Heldco Trading|Drill arrived broken|Invoice address wrong|Quarterly review visit|Agnes Agent|Admin\w*|[A-Z]{2,4}-\d{4}-\d+|CN¥|CNY/g

  it.each([
    [390, 'en-US'],
    [1440, 'zh-CN'],
    [390, 'zh-CN'],
  ] as const)('at %i px in %s: the screens fit, and zh-CN shows no English', async (width, locale) => {
    for (const s of SCREENS) {
      const page = await open(width, locale, s.path, s.ready)
      if (s.name === 'payment-entry') {
        await pick(page, 'payment-customer', 'Direct OPS')
        await page.waitForSelector(`[data-test="payment-invoice-${inv[1]!.number}"]`)
      }
      if (s.name === 'ticket-board')
        await page.waitForSelector(`[data-test="board-card-${newTicket.number}"]`)
      if (s.name === 'calendar-month') await page.waitForSelector(`[data-test="cal-entry-a${activityId}"]`)
      await page.waitForLoadState('networkidle')
      await shot(page, `${s.name}-${width}-${locale === 'zh-CN' ? 'zh' : 'en'}`)
      if (width === 390)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), s.name).toBeLessThanOrEqual(
          390,
        )
      if (locale === 'zh-CN') {
        const text = (await page.locator(`[data-test="${s.ready}"]`).innerText()).replace(DATA, '')
        expect(text.match(/[A-Za-z]{2,}/g) ?? [], s.name).toEqual([])
      }
      await page.context().close()
    }
  })
})
