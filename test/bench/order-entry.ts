/**
 * A 1,000-line order as the order entry screen uses it, over HTTP on the demo data: the price quote
 * of 1,000 lines (POST /api/order-quotes), opening the saved order (GET the order and its lines in
 * pages of 500 with the product titles, `$titles=productId`) and saving an edit (PATCH the order
 * with its 1,000 lines). Prints the median and the range of BENCH_RUNS runs (default 5) in ms.
 * The browser's own figures (open from the click, totals after editing a line) are printed by
 * test/browser/order-entry.test.ts.
 * Run: npx tsx test/bench/order-entry.ts   (PGlite; DATABASE_URL for PostgreSQL; part of `npm run bench`)
 */
import { startTestPlatform } from '@plume/core/testing'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const LINES = 1000

const p = await startTestPlatform({ demo: true })
try {
  const k = p.db.knex
  const products = (await k('products')
    .where('active', true)
    .orderBy('id')
    .limit(200)
    .pluck('id')) as number[]
  const customer = (await k('customers').where('status', 'active').orderBy('id').first('id')) as {
    id: number
  }
  const warehouse = (await k('warehouses').orderBy('id').first('id')) as { id: number }
  const token = await p.login()
  const lines = Array.from({ length: LINES }, (_, i) => ({
    productId: products[i % products.length]!,
    quantity: 1 + (i % 5),
  }))
  const body = { customerId: customer.id, warehouseId: warehouse.id, lines }
  const ok = async (method: string, path: string, data?: unknown) => {
    const r = await p.http(method, path, data, token)
    if (r.status >= 300)
      throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`)
    return r.body as Record<string, unknown>
  }
  const order = await ok('POST', '/api/orders', body)
  const id = Number(order.id)
  const open = async () => {
    const head = ok('GET', `/api/orders/${id}`)
    const page = (skip: number) =>
      ok('GET', `/api/order-lines?orderId=${id}&$sort[id]=1&$limit=500&$skip=${skip}&$titles=productId`)
    await Promise.all([head, page(0), page(500)])
  }
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now()
    await fn()
    return performance.now() - t0
  }
  const runs: Record<string, number[]> = { quote: [], open: [], 'save edit': [] }
  await ok('POST', '/api/order-quotes', body) // warm-up
  for (let r = 0; r < RUNS; r++) {
    runs.quote!.push(await timed(() => ok('POST', '/api/order-quotes', body)))
    runs.open!.push(await timed(open))
    const edited = lines.map((l, i) => (i === r ? { ...l, quantity: l.quantity + 1 } : l))
    runs['save edit']!.push(await timed(() => ok('PATCH', `/api/orders/${id}`, { lines: edited })))
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  console.log(
    `\n1,000-line order on ${p.kind} (${RUNS} runs, load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
  )
  console.table(
    Object.fromEntries(
      Object.entries(runs).map(([name, xs]) => [
        name,
        {
          'median ms': Math.round(median(xs)),
          'min ms': Math.round(Math.min(...xs)),
          'max ms': Math.round(Math.max(...xs)),
        },
      ]),
    ),
  )
} finally {
  await p.close()
}
