import type { FactDefinition } from '@plume/core'
import { exposureSql, limitSql } from '@plume/plugin-risk'

const rows = (res: unknown) => (res as { rows: Array<Record<string, unknown>> }).rows
const day = (d: Date) => d.toISOString().slice(0, 10)

/** Unpaid issued invoices past their due date, with `daysOverdue` (relative to the evaluation's now) and `balance`. */
export const overdueInvoices: FactDefinition = {
  name: 'overdueInvoices',
  description: 'Issued or partially paid invoices past their due date, with daysOverdue and balance',
  entity: 'invoice',
  list: true,
  fields: [
    'id',
    'number',
    'customerId',
    'partnerId',
    'status',
    'currency',
    'total',
    'dueDate',
    'balance',
    'daysOverdue',
    'customerName',
  ],
  async load({ db, now }) {
    const list = rows(
      await db.raw(
        `select i.id, i.number, i."customerId", i."partnerId", i.status, i.currency, i.total::text as total,
                to_char(i."dueDate", 'YYYY-MM-DD') as "dueDate", (i.total - i."amountPaid")::text as balance,
                (?::date - i."dueDate"::date) as "daysOverdue", c.name as "customerName"
           from invoices i left join customers c on c.id = i."customerId"
          where i.status in ('issued', 'partially_paid') and i."dueDate" is not null and i."dueDate"::date < ?::date
            and i.total - i."amountPaid" > 0
          order by i."dueDate", i.id limit 5000`,
        [day(now), day(now)],
      ),
    )
    return list.map((r) => ({ ...r, daysOverdue: Number(r.daysOverdue) }))
  },
}

/** Customers with a credit limit above 0.00 in force (risk's definition), their exposure (risk's definition) and `ratio` = exposure / limit in %. */
export const customerExposure: FactDefinition = {
  name: 'customerExposure',
  description:
    'Customers with a credit limit in force: exposure (open orders not invoiced + open invoices − unallocated cash − unapplied credit notes), creditLimit (the limit in force) and ratio in %',
  entity: 'customer',
  list: true,
  fields: ['id', 'code', 'name', 'partnerId', 'creditLimit', 'exposure', 'ratio'],
  async load({ db, now }) {
    const list = rows(
      await db.raw(
        `select c.id, c.code, c.name, c."partnerId", x."limit"::text as "creditLimit", x.exposure::text as exposure,
                round(x.exposure * 100 / x."limit", 2)::float8 as ratio
           from customers c
           cross join lateral (select ${limitSql('"customerId"', 'c.id', ':day::date')} as "limit") l
           cross join lateral (select l."limit", e."openOrders" + e."unpaidInvoices" - e."unallocatedPayments" - e."unappliedCredits" as exposure
                                 from (${exposureSql('"customerId"', 'c.id')}) e where l."limit" > 0) x
          order by c.id limit 5000`,
        { day: day(now) },
      ),
    )
    return list.map((r) => ({ ...r, ratio: Number(r.ratio) }))
  },
}

/** The triggering order against its customer's credit (risk's definitions): exposure without this order, this order's total, the limit in force. */
export const orderCredit: FactDefinition = {
  name: 'orderCredit',
  description:
    "The triggering order's customer: limit in force, exposure without this order, orderTotal, projected = exposure + orderTotal",
  scope: 'event',
  fields: ['limit', 'exposure', 'orderTotal', 'projected', 'hasLimit'],
  async load({ db, record, now }) {
    const orderId = Number(record?.id)
    const customerId = Number(record?.customerId)
    if (!Number.isInteger(customerId)) return undefined
    const res = rows(
      await db.raw(
        `select (${limitSql('"customerId"', ':customerId::int', ':day::date')})::text as "limit",
                (e."openOrders" + e."unpaidInvoices" - e."unallocatedPayments" - e."unappliedCredits")::text as exposure
           from customers c, (${exposureSql('"customerId"', ':customerId::int', ':orderId::int')}) e where c.id = :customerId::int`,
        { customerId, orderId: Number.isInteger(orderId) ? orderId : 0, day: day(now) },
      ),
    )[0]
    if (!res) return undefined
    const orderTotal = Number(record?.total ?? 0)
    const limit = res.limit === null ? 0 : Number(res.limit)
    const exposure = Number(res.exposure)
    return { limit, exposure, orderTotal, projected: exposure + orderTotal, hasLimit: res.limit !== null }
  },
}
