import type { Knex } from 'knex'
import { money } from '../money.js'
import { allocationsAsOf, appliedCreditsAsOf, invoiceFiguresAsOf, OPEN_ON_DATE } from './open-as-of.js'

/** Aging buckets by days past the due date, as of the report date. */
export const BUCKETS = ['current', 'days1to30', 'days31to60', 'days61to90', 'over90'] as const
export type Bucket = (typeof BUCKETS)[number]

/** Open amounts per bucket, what is open in all, unapplied credit (payments, credit notes) and the balance. */
export type Figures = Record<Bucket | 'open' | 'credit' | 'balance', string>

export interface CustomerAging extends Figures {
  customerId: number
  code: string
  name: string
  partnerId: number | null
  currency: string
}

export interface PartnerAging extends Figures {
  /** `null`: customers served directly. */
  partnerId: number | null
  code: string | null
  name: string | null
  currency: string
}

export interface AgingReport {
  asOf: string
  buckets: readonly Bucket[]
  customers: CustomerAging[]
  partners: PartnerAging[]
  totals: Array<Figures & { currency: string }>
}

export interface AgingFilter {
  asOf: string
  customerId?: number
  partnerId?: number
  currency?: string
}

const FIGURES = [...BUCKETS, 'open', 'credit', 'balance'] as const

/**
 * Per customer and currency as of a date, in SQL: the open amount of each invoice on that date
 * (open-as-of.ts, the one definition reports share) in its aging bucket, and the customer's
 * unapplied credit on that date — payments received by then less what was allocated by then,
 * and credit notes issued by then that were not applied by then. So
 * Σ open − credit = Σ invoices − Σ payments − Σ credit notes, exactly, on any date.
 */
function customerFigures(f: AgingFilter): { sql: string; bindings: unknown[] } {
  const where: string[] = []
  const bind: unknown[] = []
  if (f.customerId !== undefined) {
    where.push('c.id = ?')
    bind.push(f.customerId)
  }
  if (f.partnerId !== undefined) {
    where.push('c."partnerId" = ?')
    bind.push(f.partnerId)
  }
  const customers = where.length ? `and ${where.join(' and ')}` : ''
  const currency = f.currency ? 'and x.currency = ?' : ''
  const cur = f.currency ? [f.currency] : []
  const d = f.asOf
  const figures = invoiceFiguresAsOf(d)
  const allocations = allocationsAsOf(d)
  const applied = appliedCreditsAsOf(d)
  return {
    sql: `with inv as (
       select i.id, i."customerId", i.currency, i."dueDate", f.open
       from invoices i join (${figures.sql}) f on f.id = i.id join customers c on c.id = i."customerId"
       where f.status in (${OPEN_ON_DATE.map((st) => `'${st}'`).join(', ')}) ${customers}
     ),
     alloc as (${allocations.sql}),
     cn as (
       select n.id, n."customerId", n.currency, n.amount, n.id in (select ap.id from (${applied.sql}) ap) as applied
       from credit_notes n join customers c on c.id = n."customerId"
       where n.status in ('issued', 'applied') and n."issueDate" <= ?::date ${customers}
     ),
     alloc_pay as (select "paymentId", sum(amount) as s from alloc group by "paymentId"),
     open_inv as (select inv."customerId", inv.currency, ?::date - inv."dueDate" as overdue, inv.open from inv),
     credits as (
       select p."customerId", p.currency, p.amount - coalesce(ap.s, 0) as credit
       from payments p join customers c on c.id = p."customerId" left join alloc_pay ap on ap."paymentId" = p.id
       where (p."receivedAt" at time zone 'UTC')::date <= ?::date ${customers}
       union all
       select n."customerId", n.currency, n.amount from cn n where not n.applied
     ),
     per_invoice as (
       select "customerId", currency,
              sum(open) filter (where overdue <= 0) as current,
              sum(open) filter (where overdue between 1 and 30) as "days1to30",
              sum(open) filter (where overdue between 31 and 60) as "days31to60",
              sum(open) filter (where overdue between 61 and 90) as "days61to90",
              sum(open) filter (where overdue > 90) as over90,
              sum(open) as open
       from open_inv group by "customerId", currency
     ),
     per_credit as (select "customerId", currency, sum(credit) as credit from credits group by "customerId", currency),
     keys as (select "customerId", currency from per_invoice union select "customerId", currency from per_credit)
     select x."customerId", c.code, c.name, c."partnerId", x.currency,
            coalesce(i.current, 0) as current, coalesce(i."days1to30", 0) as "days1to30", coalesce(i."days31to60", 0) as "days31to60",
            coalesce(i."days61to90", 0) as "days61to90", coalesce(i.over90, 0) as over90, coalesce(i.open, 0) as open,
            coalesce(k.credit, 0) as credit, coalesce(i.open, 0) - coalesce(k.credit, 0) as balance
     from keys x join customers c on c.id = x."customerId"
     left join per_invoice i on i."customerId" = x."customerId" and i.currency = x.currency
     left join per_credit k on k."customerId" = x."customerId" and k.currency = x.currency
     where (coalesce(i.open, 0) <> 0 or coalesce(k.credit, 0) <> 0) ${currency}`,
    bindings: [
      ...figures.bindings,
      ...bind,
      ...allocations.bindings,
      ...applied.bindings,
      d,
      ...bind,
      d,
      d,
      ...bind,
      ...cur,
    ],
  }
}

type Row = Record<string, unknown>
const figures = (r: Row): Figures =>
  Object.fromEntries(FIGURES.map((k) => [k, money(String(r[k] ?? '0'))])) as Figures

/**
 * Receivables as of a date: per customer and per partner (the partner serving the customer),
 * the open amounts in aging buckets by days past due (current, 1–30, 31–60, 61–90, 90+),
 * unapplied credit and the balance, and totals per currency — one SQL statement with grouping sets.
 * @example const r = await agingReport(knex, { asOf: '2026-11-25' })
 */
export async function agingReport(db: Knex | Knex.Transaction, f: AgingFilter): Promise<AgingReport> {
  const sums = FIGURES.map((k) => `sum(r."${k}")::text as "${k}"`).join(', ')
  const inner = customerFigures(f)
  const res = (await db.raw(
    `with r as (${inner.sql})
     select grouping(r."customerId") as gc, grouping(r."partnerId") as gp, r."customerId", min(r.code) as code, min(r.name) as name, r."partnerId", r.currency, ${sums}
     from r
     group by grouping sets ((r."customerId", r."partnerId", r.currency), (r."partnerId", r.currency), (r.currency))
     order by r.currency, gc, gp, min(r.code), r."partnerId"`,
    inner.bindings as Knex.RawBinding[],
  )) as { rows: Row[] }
  const customers: CustomerAging[] = []
  const partnerRows: Row[] = []
  const totals: AgingReport['totals'] = []
  for (const r of res.rows) {
    if (Number(r.gc) === 0)
      customers.push({
        customerId: Number(r.customerId),
        code: String(r.code),
        name: String(r.name),
        partnerId: r.partnerId === null ? null : Number(r.partnerId),
        currency: String(r.currency),
        ...figures(r),
      })
    else if (Number(r.gp) === 0) partnerRows.push(r)
    else totals.push({ currency: String(r.currency), ...figures(r) })
  }
  const partnerIds = partnerRows
    .map((r) => r.partnerId)
    .filter((id): id is number => id !== null)
    .map(Number)
  const names = new Map(
    (
      (partnerIds.length
        ? await db('partners').select('id', 'code', 'name').whereIn('id', partnerIds)
        : []) as Array<{ id: number; code: string; name: string }>
    ).map((p) => [p.id, p]),
  )
  const partners = partnerRows
    .map((r): PartnerAging => {
      const id = r.partnerId === null ? null : Number(r.partnerId)
      const p = id === null ? undefined : names.get(id)
      return {
        partnerId: id,
        code: p?.code ?? null,
        name: p?.name ?? null,
        currency: String(r.currency),
        ...figures(r),
      }
    })
    .sort((a, b) => a.currency.localeCompare(b.currency) || (a.code ?? '').localeCompare(b.code ?? ''))
  return { asOf: f.asOf, buckets: BUCKETS, customers, partners, totals }
}
