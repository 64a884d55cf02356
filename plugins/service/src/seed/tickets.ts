import { insertRows, seededRandom, type Random } from '@plume/core'
import type { Knex } from 'knex'
import { formatTicketNumber, TICKET_NUMBER_SEQUENCE } from '../number.js'
import { breachesAt, dueTimes, type SlaPolicy } from '../sla.js'

const MINUTE = 60_000
const DAY = 86_400_000
const TOPICS: Array<{ category: string; subject: string; body: string }> = [
  {
    category: 'delivery',
    subject: 'Delivery arrived late',
    body: 'Our order arrived two days after the promised date.',
  },
  {
    category: 'delivery',
    subject: 'Missing cartons in delivery',
    body: 'We received 8 cartons instead of 10.',
  },
  {
    category: 'product',
    subject: 'Damaged packaging',
    body: 'Several units arrived with crushed packaging.',
  },
  {
    category: 'billing',
    subject: 'Invoice amount does not match order',
    body: 'The invoice total differs from the confirmed order.',
  },
  {
    category: 'return',
    subject: 'Return request for wrong item',
    body: 'We were sent the 500 ml instead of the 1 l bottles.',
  },
  {
    category: 'order',
    subject: 'Change delivery address',
    body: 'Please deliver this order to our second store.',
  },
  {
    category: 'technical',
    subject: 'Cannot log in to the partner portal',
    body: 'The order form says our session expired.',
  },
  {
    category: 'other',
    subject: 'Request for product certificates',
    body: 'Please send the food safety certificates for this range.',
  },
]
const PRIORITY = (r: Random) => r.pick(['low', 'normal', 'normal', 'normal', 'high', 'high', 'urgent'])

/** How far a ticket of this age has got: old ones are closed, recent ones still open. */
function statusFor(r: Random, ageDays: number): string {
  const x = r.next()
  if (ageDays > 14) return x < 0.75 ? 'closed' : x < 0.97 ? 'resolved' : 'waiting'
  if (ageDays > 3)
    return x < 0.3
      ? 'closed'
      : x < 0.6
        ? 'resolved'
        : x < 0.75
          ? 'waiting'
          : x < 0.95
            ? 'in_progress'
            : 'assigned'
  return x < 0.25 ? 'new' : x < 0.5 ? 'assigned' : x < 0.8 ? 'in_progress' : x < 0.9 ? 'waiting' : 'resolved'
}

/**
 * Four months of customer service: ~400 tickets on customers' orders in every state, numbered
 * like live ones, their SLA due times from the policies and the breaches those times imply (a
 * share of first responses and resolutions late), the customer's message and the agent's answers.
 */
export async function seedTickets(
  trx: Knex.Transaction,
  agents: readonly number[],
  count = 400,
  now = Date.now(),
): Promise<{ tickets: number; messages: number }> {
  const orders = (await trx('orders')
    .select('id', 'customerId', 'partnerId', 'orderDate')
    .whereIn('status', ['shipped', 'delivered', 'closed'])
    .where('orderDate', '>=', new Date(now - 130 * DAY).toISOString())
    .orderBy('id')) as Array<{
    id: number
    customerId: number
    partnerId: number | null
    orderDate: Date | string
  }>
  const policies = new Map(
    (
      (await trx('sla_policies')
        .select('priority', 'firstResponseMinutes', 'resolutionMinutes')
        .where('active', true)) as SlaPolicy[]
    ).map((p) => [p.priority, p]),
  )
  if (!orders.length) return { tickets: 0, messages: 0 }
  const r = seededRandom(20260606)
  const opened = Array.from({ length: count }, () => now - r.next() * 120 * DAY).sort((a, b) => a - b)
  const tickets: Array<Record<string, unknown>> = []
  const threads: Array<Array<{ body: string; internal: boolean; author: 'customer' | 'agent'; at: number }>> =
    []
  opened.forEach((openedAt, i) => {
    const candidates = orders.filter((o) => new Date(o.orderDate).getTime() < openedAt - DAY)
    const order = candidates.length ? r.pick(candidates.slice(-60)) : undefined
    if (!order) return
    const topic = r.pick(TOPICS)
    const priority = PRIORITY(r)
    const policy = policies.get(priority)
    const due = dueTimes(new Date(openedAt), policy)
    const status = statusFor(r, (now - openedAt) / DAY)
    const assignee = status === 'new' ? null : agents.length ? r.pick(agents) : null
    const frMinutes = policy ? policy.firstResponseMinutes : 240
    const resMinutes = policy ? policy.resolutionMinutes : 1440
    // most answers come in time, some late (a breach to show on the SLA screens)
    const firstRespondedAt = ['new', 'assigned'].includes(status)
      ? null
      : Math.min(
          now - MINUTE,
          openedAt + frMinutes * MINUTE * (r.chance(0.85) ? r.next() * 0.9 : 1.1 + r.next()),
        )
    const resolvedAt = ['resolved', 'closed'].includes(status)
      ? Math.min(
          now - MINUTE,
          Math.max(
            firstRespondedAt ?? openedAt,
            openedAt + resMinutes * MINUTE * (r.chance(0.8) ? 0.2 + r.next() * 0.7 : 1.1 + r.next() * 2),
          ),
        )
      : null
    const closedAt =
      status === 'closed' && resolvedAt ? Math.min(now - MINUTE, resolvedAt + r.int(1, 3) * DAY) : null
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
    const sla = {
      ...due,
      firstRespondedAt: iso(firstRespondedAt),
      resolvedAt: iso(resolvedAt),
      firstResponseBreached: false,
      resolutionBreached: false,
      slaBreachedAt: null,
    }
    const breach = breachesAt(sla, new Date(now))
    const year = new Date(openedAt).getUTCFullYear()
    tickets.push({
      number: formatTicketNumber(year, i + 1),
      customerId: order.customerId,
      orderId: order.id,
      subject: topic.subject,
      description: topic.body,
      channel: order.partnerId ? 'partner' : r.pick(['email', 'phone', 'web', 'chat']),
      category: topic.category,
      priority,
      status,
      assigneeId: assignee,
      team: assignee ? 'Customer care' : null,
      ...sla,
      ...breach,
      // the moment the first missed target fell due
      slaBreachedAt: breach.firstResponseBreached
        ? due.firstResponseDueAt
        : breach.resolutionBreached
          ? due.resolutionDueAt
          : null,
      openedAt: iso(openedAt),
      closedAt: iso(closedAt),
      satisfaction: closedAt && r.chance(0.6) ? r.int(breach.slaBreached ? 1 : 3, 5) : null,
      createdAt: iso(openedAt),
      updatedAt: iso(closedAt ?? resolvedAt ?? firstRespondedAt ?? openedAt),
    })
    const thread: Array<{ body: string; internal: boolean; author: 'customer' | 'agent'; at: number }> = [
      { body: topic.body, internal: false, author: 'customer', at: openedAt },
    ]
    if (firstRespondedAt)
      thread.push({
        body: 'Thank you, we are looking into it and will come back to you shortly.',
        internal: false,
        author: 'agent',
        at: firstRespondedAt,
      })
    if (resolvedAt)
      thread.push({
        body:
          topic.category === 'return'
            ? 'A return has been arranged and a credit note will follow.'
            : 'This has been sorted out; please let us know if anything else comes up.',
        internal: false,
        author: 'agent',
        at: resolvedAt,
      })
    threads.push(thread)
  })
  const ids = await insertRows<{ id: number }>(trx, 'tickets', tickets)
  const messages = ids.flatMap((t, i) =>
    threads[i]!.map((m) => ({
      ticketId: t.id,
      authorId: m.author === 'agent' ? (tickets[i]!.assigneeId as number | null) : null,
      body: m.body,
      internal: m.internal,
      createdAt: new Date(m.at).toISOString(),
      updatedAt: new Date(m.at).toISOString(),
    })),
  )
  await insertRows(trx, 'ticket_messages', messages, ['id'], 2000)
  await trx.raw(`select setval('${TICKET_NUMBER_SEQUENCE}', ?)`, [Math.max(1, tickets.length)])
  return { tickets: ids.length, messages: messages.length }
}
