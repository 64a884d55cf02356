import { insertRows, seededRandom } from '@plume/core'
import type { Knex } from 'knex'

const DAY = 86_400_000
const SUBJECTS: Record<string, string[]> = {
  call: [
    'Follow-up call on last delivery',
    'Called about reorder quantities',
    'Payment reminder call',
    'Intro call with new buyer',
  ],
  visit: ['Store visit: shelf check', 'Quarterly business review', 'Visit with tasting samples'],
  email: ['Sent new price list', 'Sent promotion details', 'Answered question on delivery times'],
  meeting: ['Annual contract negotiation', 'Range review meeting'],
  note: [
    'Buyer prefers morning deliveries',
    'New purchasing manager from next month',
    'Asked for larger pack sizes',
  ],
}
const KINDS = Object.keys(SUBJECTS)

/**
 * A sales team's last six months with the customers: ~2,500 calls, visits, e-mails, meetings and
 * notes by the sales reps (on their own customers) and the sales manager (on partner-served ones),
 * never before a customer joined; past ones done, a few overdue, and the coming two weeks' tasks.
 */
export async function seedActivities(
  trx: Knex.Transaction,
  staff: { reps: readonly number[]; manager?: number },
  count = 2500,
  now = Date.now(),
): Promise<number> {
  const customers = (await trx('customers')
    .select('id', 'ownerId', 'createdAt')
    .where('status', 'active')
    .orderBy('id')) as Array<{ id: number; ownerId: number | null; createdAt: Date | string }>
  if (!customers.length) return 0
  const contacts = new Map(
    ((await trx('contacts').select('id', 'customerId')) as Array<{ id: number; customerId: number }>).map(
      (c) => [c.customerId, c.id],
    ),
  )
  const r = seededRandom(20260505)
  const rows: Array<Record<string, unknown>> = []
  for (let i = 0; i < count; i++) {
    const c = r.pick(customers)
    const joined = new Date(c.createdAt).getTime()
    const kind = r.pick(KINDS)
    const upcoming = r.chance(0.04)
    const when = upcoming ? now + r.int(1, 14) * DAY : Math.max(joined + DAY, now - r.next() * 180 * DAY)
    if (when > now && !upcoming) continue
    const task = upcoming || kind === 'call' || kind === 'visit'
    const done = !upcoming && (r.chance(0.95) || !task)
    rows.push({
      customerId: c.id,
      contactId: contacts.get(c.id) ?? null,
      userId: c.ownerId ?? staff.manager ?? (staff.reps.length ? r.pick(staff.reps) : null),
      kind,
      subject: r.pick(SUBJECTS[kind]!),
      occurredAt: new Date(when).toISOString(),
      dueAt: task ? new Date(when).toISOString() : null,
      done,
      createdAt: new Date(Math.min(when, now - 60_000) - (upcoming ? r.int(1, 5) * DAY : 0)).toISOString(),
      updatedAt: new Date(Math.min(when, now - 60_000)).toISOString(),
    })
  }
  return (await insertRows(trx, 'activities', rows, ['id'], 1000)).length
}
