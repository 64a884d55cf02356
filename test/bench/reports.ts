/**
 * Built-in reports on a million orders, PostgreSQL: generates the data in SQL
 * (`INSERT … SELECT generate_series`), then runs every built-in report 3× over HTTP as an admin
 * and prints the median, min and max milliseconds per report.
 * Run: DATABASE_URL=postgres://… npx tsx test/bench/reports.ts
 * Knobs: BENCH_REPORT_ORDERS (default 1000000); BENCH_REPORT_DB=<name> keeps the data in that
 * database (created on the server of DATABASE_URL) and reuses it on the next run.
 */
import { BUILT_IN_REPORTS } from '@plume/plugin-reporting'
import { startTestPlatform } from '@plume/core/testing'
import knex, { type Knex } from 'knex'
import { loadavg } from 'node:os'

if (!process.env.DATABASE_URL) {
  console.error('reports bench: set DATABASE_URL (source .ci/pg.sh start)')
  process.exit(1)
}
const ORDERS = Number(process.env.BENCH_REPORT_ORDERS ?? 1_000_000)
const PARTNERS = 200
const CUSTOMERS = 10_000
const PRODUCTS = 2_000
const WAREHOUSES = 5

async function step(name: string, fn: () => Promise<unknown>): Promise<void> {
  const t = performance.now()
  await fn()
  console.log(`  ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`)
}

/** Everything in set-based SQL; ids are looked up once so foreign keys always hold. */
async function generate(k: Knex): Promise<void> {
  await k.raw('select setseed(0.42)')
  await step('catalog, partners, customers', async () => {
    await k.raw(
      `insert into territories (code, name) select 'BT' || g, 'Territory ' || g from generate_series(1, 20) g`,
    )
    await k.raw(`insert into partner_tiers (code, name, rank) values ('BENCH', 'Bench tier', 1)`)
    await k.raw(`insert into partners (code, name, kind, "tierId", "territoryId")
      select 'bp' || g, 'Partner ' || g, case when g % 3 = 0 then 'reseller' else 'distributor' end,
        (select min(id) from partner_tiers), (select min(id) from territories) + g % 20
      from generate_series(1, ${PARTNERS}) g`)
    await k.raw(`insert into customers (code, name, "partnerId")
      select 'bc' || g, 'Customer ' || g, case when g % 5 = 0 then null else (select min(id) from partners) + g % ${PARTNERS} end
      from generate_series(1, ${CUSTOMERS}) g`)
    await k.raw(
      `insert into product_categories (code, name) select 'BK' || g, 'Category ' || g from generate_series(1, 50) g`,
    )
    await k.raw(`insert into products (sku, name, "categoryId", "listPrice", cost, "taxRate")
      select 'BS' || g, 'Product ' || g, (select min(id) from product_categories) + g % 50, round((5 + random() * 200)::numeric, 2), round((2 + random() * 100)::numeric, 2), 13
      from generate_series(1, ${PRODUCTS}) g`)
    await k.raw(
      `insert into warehouses (code, name) select 'BW' || g, 'Warehouse ' || g from generate_series(1, ${WAREHOUSES}) g`,
    )
    await k.raw(
      `insert into campaigns (code, name) select 'BCP' || g, 'Campaign ' || g from generate_series(1, 5) g`,
    )
    await k.raw(`insert into promotions (code, name, "campaignId", kind, "percentOff")
      select 'BPR' || g, 'Promotion ' || g, (select min(id) from campaigns) + g % 5, 'percent', 10 from generate_series(1, 20) g`)
  })
  await step(`${ORDERS} orders`, () =>
    k.raw(`
    insert into orders (number, "customerId", "partnerId", "warehouseId", status, "orderDate", currency)
    select 'BO' || g, c.id, c."partnerId", (select min(id) from warehouses) + g % ${WAREHOUSES},
      (array['draft','submitted','approved','shipped','delivered','closed','closed','closed','cancelled'])[1 + floor(random() * 9)::int],
      timestamptz '2024-01-01' + random() * interval '730 days', 'CNY'
    from generate_series(1, ${ORDERS}) g
    join customers c on c.id = (select min(id) from customers) + (g::bigint * 7919) % ${CUSTOMERS}`),
  )
  await step('order lines', () =>
    k.raw(`
    insert into order_lines ("orderId", "productId", quantity, "unitPrice", "listPrice", discount, "lineTotal", "taxRate", "promotionId", "orderDate", status, "partnerId", "customerId")
    select o.id, p.pid, q.qty, p.price, p.price, 0, p.price * q.qty, 13,
      case when random() < 0.1 then (select min(id) from promotions) + floor(random() * 20)::int end,
      o."orderDate", o.status, o."partnerId", o."customerId"
    from orders o
    cross join lateral generate_series(1, 1 + (o.id % 4)) n
    cross join lateral (select 1 + floor(random() * 20)::int as qty) q
    cross join lateral (select (select min(id) from products) + ((o.id * 31 + n * 17) % ${PRODUCTS}) as pid, round((5 + random() * 200)::numeric, 2) as price) p`),
  )
  await step('order totals', () =>
    k.raw(`
    update orders o set subtotal = s.t, total = s.t
    from (select "orderId", sum("lineTotal") t from order_lines group by 1) s where o.id = s."orderId"`),
  )
  await step('invoices, stock, movements, tickets', async () => {
    await k.raw(`insert into invoices (number, "customerId", "partnerId", status, "issueDate", "dueDate", currency, subtotal, "taxTotal", total, "amountPaid")
      select 'BI' || g, c.id, c."partnerId", (array['issued','partially_paid','paid','void'])[1 + floor(random() * 4)::int],
        date '2025-06-01' + (g % 300), date '2025-07-01' + (g % 300), 'CNY', t, 0, t, 0
      from generate_series(1, 200000) g
      join customers c on c.id = (select min(id) from customers) + g % ${CUSTOMERS}
      cross join lateral (select round((10 + random() * 5000)::numeric, 2) as t) x`)
    await k.raw(`insert into stock_levels ("productId", "warehouseId", "onHand", reserved)
      select p.id, w.id, floor(random() * 500)::int, 0 from products p cross join warehouses w`)
    await k.raw(`insert into stock_movements ("productId", "warehouseId", quantity, kind, "occurredAt")
      select (select min(id) from products) + g % ${PRODUCTS}, (select min(id) from warehouses) + (g / ${PRODUCTS}) % ${WAREHOUSES}, -1,
        (array['shipment','receipt','transfer_out','adjustment'])[1 + floor(random() * 4)::int], now() - random() * interval '400 days'
      from generate_series(1, 500000) g`)
    await k.raw(`insert into tickets (number, "customerId", subject, channel, category, priority, status, "slaBreached")
      select 'BT' || g, (select min(id) from customers) + g % ${CUSTOMERS}, 'Help', 'email', 'other',
        (array['low','normal','high','urgent'])[1 + g % 4], 'new', random() < 0.2
      from generate_series(1, 50000) g`)
  })
  await step('vacuum analyze', () => k.raw('vacuum analyze'))
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const keep = process.env.BENCH_REPORT_DB
  let url: string | undefined
  if (keep) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(keep))
      throw new Error('BENCH_REPORT_DB must be a plain database name')
    const u = new URL(process.env.DATABASE_URL!)
    const admin = knex({ client: 'pg', connection: u.toString(), pool: { min: 0, max: 1 } })
    const exists = (await admin.raw('select 1 from pg_database where datname = ?', [keep])) as {
      rows: unknown[]
    }
    if (!exists.rows.length) await admin.raw(`create database ${keep}`)
    await admin.destroy()
    u.pathname = `/${keep}`
    url = u.toString()
  }
  const p = await startTestPlatform(url ? { database: { url, pool: { max: 20 } } } : {})
  try {
    const have = Number(((await p.db.knex('orders').count({ c: '*' })) as Array<{ c: string }>)[0]!.c)
    if (have === 0) {
      console.log(`generating ${ORDERS} orders on ${p.kind}…`)
      await generate(p.db.knex)
    } else {
      console.log(`reusing ${have} orders in ${keep}`)
      // steady state, as autovacuum keeps it: a migration may just have rewritten rows (index-only scans need the visibility map)
      await step('vacuum analyze', async () => {
        await p.db.knex.raw('vacuum analyze orders')
        await p.db.knex.raw('vacuum analyze order_lines')
      })
    }
    const counts = (await p.db.knex.raw(
      `select (select count(*) from orders) orders, (select count(*) from order_lines) lines`,
    )) as { rows: Array<{ orders: string; lines: string }> }
    console.log(`  orders ${counts.rows[0]!.orders}, lines ${counts.rows[0]!.lines}`)
    const token = await p.login()
    const load = () =>
      loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')
    const loadBefore = load()
    const rows: Array<{ report: string; rows: number | string; median: number; min: number; max: number }> =
      []
    for (const def of BUILT_IN_REPORTS) {
      const times: number[] = []
      let out: number | string = 0
      for (let i = 0; i < 3; i++) {
        const t = performance.now()
        const r = await p.http('GET', `/api/reports/${def.code}/run`, undefined, token)
        times.push(performance.now() - t)
        if (r.status !== 200) throw new Error(`${def.code} → ${r.status} ${JSON.stringify(r.body)}`)
        out = r.body.available ? (r.body.rows as unknown[]).length : 'n/a'
      }
      rows.push({
        report: def.code,
        rows: out,
        median: Math.round(median(times)),
        min: Math.round(Math.min(...times)),
        max: Math.round(Math.max(...times)),
      })
    }
    console.log(
      `\nbuilt-in reports, ${ORDERS} orders (ms, 3 runs over HTTP as admin; load average ${loadBefore} before, ${load()} after)`,
    )
    console.log('| report | rows | median | min | max |\n|---|---:|---:|---:|---:|')
    for (const r of rows) console.log(`| ${r.report} | ${r.rows} | ${r.median} | ${r.min} | ${r.max} |`)
  } finally {
    // drops only the throwaway test database, never BENCH_REPORT_DB
    await p.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
