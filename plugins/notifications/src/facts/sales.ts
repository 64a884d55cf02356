import type { FactDefinition } from '@plume/core'

const rows = (res: unknown) => (res as { rows: Array<Record<string, unknown>> }).rows
const SOLD = `('submitted', 'approved', 'shipped', 'delivered', 'closed')`

/** UTC month start `offset` months from the month of `now`. */
const monthStart = (now: Date, offset: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))

/**
 * Sales per partner in the last complete month vs the month before, with `changePct`
 * (−25 = down 25 %; null when the earlier month had no sales).
 */
export const partnerMonthlySales: FactDefinition = {
  name: 'partnerMonthlySales',
  description:
    'Per partner: sales of the last complete month (current) and the month before (previous), changePct',
  entity: 'partner',
  list: true,
  fields: ['id', 'code', 'name', 'previous', 'current', 'month', 'changePct'],
  async load({ db, now }) {
    const a = monthStart(now, -2)
    const b = monthStart(now, -1)
    const c = monthStart(now, 0)
    const list = rows(
      await db.raw(
        `select p.id, p.code, p.name,
                coalesce(sum(o.total) filter (where o."orderDate" >= ? and o."orderDate" < ?), 0)::text as previous,
                coalesce(sum(o.total) filter (where o."orderDate" >= ? and o."orderDate" < ?), 0)::text as current
           from partners p join orders o on o."partnerId" = p.id and o.status in ${SOLD} and o."orderDate" >= ? and o."orderDate" < ?
          group by p.id order by p.id`,
        [a, b, b, c, a, c],
      ),
    )
    return list.map((r) => {
      const prev = Number(r.previous)
      const cur = Number(r.current)
      return {
        ...r,
        month: b.toISOString().slice(0, 7),
        changePct: prev > 0 ? Math.round(((cur - prev) / prev) * 10000) / 100 : null,
      }
    })
  },
}

/** Open tickets past their SLA: resolution due passed, or first response due passed without a response. */
export const slaBreaches: FactDefinition = {
  name: 'slaBreaches',
  description: 'Open tickets past their first-response or resolution due time',
  entity: 'ticket',
  list: true,
  fields: [
    'id',
    'number',
    'subject',
    'priority',
    'status',
    'customerId',
    'assigneeId',
    'team',
    'firstResponseDueAt',
    'resolutionDueAt',
    'breach',
  ],
  async load({ db, now }) {
    return rows(
      await db.raw(
        `select t.id, t.number, t.subject, t.priority, t.status, t."customerId", t."assigneeId", t.team,
                t."firstResponseDueAt", t."resolutionDueAt",
                case when t."resolutionDueAt" < ? then 'resolution' else 'firstResponse' end as breach
           from tickets t
          where t.status not in ('resolved', 'closed')
            and (t."resolutionDueAt" < ? or (t."firstRespondedAt" is null and t."firstResponseDueAt" < ?))
          order by t.id limit 5000`,
        [now, now, now],
      ),
    )
  },
}
