/**
 * How long the demo data of inventory, partners, crm and orders takes, and whether the stock
 * ledger it writes adds up. PGlite in memory by default; PostgreSQL when DATABASE_URL is set.
 * Run: npx tsx test/bench/orders-seed.ts
 */
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { startTestPlatform } from '@plume/core/testing'

const seedLines: string[] = []
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n'))
      if (line.includes('demo data (')) seedLines.push((JSON.parse(line) as { msg: string }).msg)
    done()
  },
})
const started = performance.now()
const p = await startTestPlatform({ demo: true, logger: pino({ level: 'info' }, sink) })
const total = performance.now() - started
try {
  const k = p.db.knex
  const count = async (t: string) => Number(((await k(t).count({ c: '*' }).first()) as { c: string }).c)
  const mismatch = (await k.raw(`select count(*)::int as n from stock_levels s
     where "onHand" <> (select coalesce(sum(quantity), 0) from stock_movements m where m."productId" = s."productId" and m."warehouseId" = s."warehouseId" and kind in ('receipt', 'shipment', 'adjustment', 'transfer_in', 'transfer_out'))
        or reserved <> (select coalesce(sum(quantity), 0) from stock_movements m where m."productId" = s."productId" and m."warehouseId" = s."warehouseId" and kind in ('reservation', 'release', 'shipment'))`)) as {
    rows: Array<{ n: number }>
  }
  console.log(`\ndemo seed on ${p.kind}`)
  for (const l of seedLines) console.log(`  ${l.replace(/; partner logins.*/, '')}`)
  console.table({
    warehouses: await count('warehouses'),
    products: await count('products'),
    partners: await count('partners'),
    customers: await count('customers'),
    orders: await count('orders'),
    'order lines': await count('order_lines'),
    'stock movements': await count('stock_movements'),
  })
  console.log(
    `platform start incl. migrations and seeds: ${Math.round(total)} ms; stock levels not matching the ledger: ${mismatch.rows[0]?.n ?? '?'}`,
  )
  if ((mismatch.rows[0]?.n ?? 1) !== 0) process.exitCode = 1
} finally {
  await p.close()
}
