import type { FactDefinition } from '@plume/core'

const rows = (res: unknown) => (res as { rows: Array<Record<string, unknown>> }).rows
const day = (d: Date) => d.toISOString().slice(0, 10)

/** Unpaid issued invoices past their due date, with `daysOverdue` (relative to the evaluation's now) and `balance`. */
export const overdueInvoices: FactDefinition = {
  name: 'overdueInvoices',
  description: 'Issued or partially paid invoices past their due date, with daysOverdue and balance',
  entity: 'invoice',
  list: true,
  fields: ['id', 'number', 'customerId', 'partnerId', 'status', 'currency', 'total', 'dueDate', 'balance', 'daysOverdue', 'customerName'],
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

const OPEN_ORDERS = `('submitted', 'approved', 'shipped', 'delivered')`

/** Credit exposure of every customer with a limit: open orders + unpaid invoices, and `ratio` = exposure / limit in %. */
export const customerExposure: FactDefinition = {
  name: 'customerExposure',
  description: 'Customers with a credit limit: exposure (open orders not invoiced + unpaid invoices), limit and ratio in %',
  entity: 'customer',
  list: true,
  fields: ['id', 'code', 'name', 'partnerId', 'creditLimit', 'exposure', 'ratio'],
  async load({ db }) {
    const list = rows(
      await db.raw(
        `select c.id, c.code, c.name, c."partnerId", c."creditLimit"::text as "creditLimit", e.exposure::text as exposure,
                round(e.exposure * 100 / c."creditLimit", 2)::float8 as ratio
           from customers c
           cross join lateral (select
               coalesce((select sum(o.total) from orders o where o."customerId" = c.id and o.status in ${OPEN_ORDERS}
                 and not exists (select 1 from invoice_lines il join invoices i on i.id = il."invoiceId" where il."orderId" = o.id and i.status <> 'void')), 0)
             + coalesce((select sum(i.total - i."amountPaid") from invoices i where i."customerId" = c.id and i.status in ('draft', 'issued', 'partially_paid')), 0) as exposure) e
          where c."creditLimit" > 0
          order by c.id limit 5000`,
      ),
    )
    return list.map((r) => ({ ...r, ratio: Number(r.ratio) }))
  },
}

/** The triggering order against its customer's credit: exposure of other open orders and invoices, this order's total, the limit. */
export const orderCredit: FactDefinition = {
  name: 'orderCredit',
  description: "The triggering order's customer: limit, exposure without this order, orderTotal, projected = exposure + orderTotal",
  scope: 'event',
  fields: ['limit', 'exposure', 'orderTotal', 'projected', 'hasLimit'],
  async load({ db, record }) {
    const orderId = Number(record?.id)
    const customerId = Number(record?.customerId)
    const res = rows(
      await db.raw(
        `select c."creditLimit"::text as "limit",
            (coalesce((select sum(o.total) from orders o where o."customerId" = c.id and o.id <> ? and o.status in ${OPEN_ORDERS}
                 and not exists (select 1 from invoice_lines il join invoices i on i.id = il."invoiceId" where il."orderId" = o.id and i.status <> 'void')), 0)
             + coalesce((select sum(i.total - i."amountPaid") from invoices i where i."customerId" = c.id and i.status in ('draft', 'issued', 'partially_paid')), 0))::text as exposure
           from customers c where c.id = ?`,
        [Number.isInteger(orderId) ? orderId : 0, customerId],
      ),
    )[0]
    if (!res) return undefined
    const orderTotal = Number(record?.total ?? 0)
    const limit = Number(res.limit)
    const exposure = Number(res.exposure)
    return { limit, exposure, orderTotal, projected: exposure + orderTotal, hasLimit: limit > 0 }
  },
}
