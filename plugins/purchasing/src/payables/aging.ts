import { BadRequest } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { money, objectSchema, type ServiceDocs } from '@plume/core'
import { invalid } from '../context.js'

/** Aging buckets by days past the due date (the same as receivables'). */
export const AP_BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const

export interface SupplierAging {
  supplierId: number
  code: string
  name: string
  currency: string
  current: string
  days1to30: string
  days31to60: string
  days61to90: string
  over90: string
  open: string
}

/**
 * Payables per supplier and currency as of a date: each invoice dated by then (not void) with what
 * was still owed on that date — its total less the payments made by then — in the bucket of its
 * days past due.
 */
export async function apAging(
  db: Knex | Knex.Transaction,
  asOf: string,
  supplierId?: number,
): Promise<{ asOf: string; buckets: typeof AP_BUCKETS; suppliers: SupplierAging[] }> {
  const bucket = `case when d.late <= 0 then 'current' when d.late <= 30 then 'days1to30' when d.late <= 60 then 'days31to60' when d.late <= 90 then 'days61to90' else 'over90' end`
  const sums = AP_BUCKETS.map(
    (b) => `coalesce(sum(d.owed) filter (where ${bucket} = '${b}'), 0)::text as "${b}"`,
  ).join(', ')
  const rows = (await db.raw(
    `with d as (
       select i."supplierId", i.currency, i.total - coalesce((select sum(p.amount) from supplier_payments p where p."supplierInvoiceId" = i.id and p."paidAt" <= ?::date), 0) as owed,
              (?::date - i."dueDate") as late
       from supplier_invoices i
       where i."invoiceDate" <= ?::date and i.status <> 'void' ${supplierId ? 'and i."supplierId" = ?' : ''}
     )
     select s.id as "supplierId", s.code, s.name, d.currency, ${sums}, sum(d.owed)::text as open
     from d join suppliers s on s.id = d."supplierId"
     where d.owed > 0
     group by s.id, s.code, s.name, d.currency
     order by s.code, d.currency`,
    [asOf, asOf, asOf, ...(supplierId ? [supplierId] : [])],
  )) as { rows: Array<Record<string, unknown>> }
  const suppliers = rows.rows.map((r) => {
    const out: Record<string, unknown> = {
      supplierId: r.supplierId,
      code: r.code,
      name: r.name,
      currency: r.currency,
      open: money(String(r.open)),
    }
    for (const b of AP_BUCKETS) out[b] = money(String(r[b]))
    return out as unknown as SupplierAging
  })
  return { asOf, buckets: AP_BUCKETS, suppliers }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** `GET /api/ap-aging?asOf=YYYY-MM-DD&supplierId=` — accounts payable aging (buyers and finance). */
export function apAgingService(knex: Knex) {
  return {
    docs,
    async find(params?: { query?: Record<string, unknown> }) {
      const q = params?.query ?? {}
      const unknown = Object.keys(q).find((k) => k !== 'asOf' && k !== 'supplierId')
      if (unknown)
        throw new BadRequest(`Unknown query parameter ${unknown}`, {
          errors: [{ path: `/${unknown}`, message: 'is not a known parameter' }],
        })
      const asOf = q.asOf === undefined ? new Date().toISOString().slice(0, 10) : String(q.asOf)
      if (!DATE.test(asOf) || Number.isNaN(Date.parse(asOf)))
        throw invalid('/asOf', 'must be a date, YYYY-MM-DD')
      const supplierId = q.supplierId === undefined ? undefined : Number(q.supplierId)
      if (supplierId !== undefined && (!Number.isInteger(supplierId) || supplierId < 1))
        throw invalid('/supplierId', 'must be a supplier id')
      return apAging(knex, asOf, supplierId)
    },
  }
}

const money2 = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$' }
const docs: ServiceDocs = {
  tag: 'Purchasing',
  operations: {
    find: {
      summary:
        'Accounts payable aging: what is owed per supplier and currency, by days past due, as of a date',
      query: objectSchema({
        asOf: { type: 'string', format: 'date' },
        supplierId: { type: 'integer', minimum: 1 },
      }),
      result: {
        type: 'object',
        properties: {
          asOf: { type: 'string', format: 'date' },
          buckets: { type: 'array', items: { type: 'string' } },
          suppliers: {
            type: 'array',
            items: objectSchema({
              supplierId: { type: 'integer' },
              code: { type: 'string' },
              name: { type: 'string' },
              currency: { type: 'string' },
              current: money2,
              days1to30: money2,
              days31to60: money2,
              days61to90: money2,
              over90: money2,
              open: money2,
            }),
          },
        },
      },
    },
  },
}
