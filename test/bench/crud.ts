/**
 * Generated service vs hand-written Koa + pg, same table, same PostgreSQL.
 * Run: DATABASE_URL=postgres://… npx tsx test/bench/crud.ts   (or `npm run bench`)
 * Knobs: BENCH_SECONDS per measurement (default 6), BENCH_ROUNDS (default 3).
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import knex from 'knex'

const url = process.env.DATABASE_URL
if (!url) {
  console.error('crud bench: set DATABASE_URL (source .ci/pg.sh start)')
  process.exit(1)
}
const DURATION = Number(process.env.BENCH_SECONDS ?? 6)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONNECTIONS = 16
const ROWS = 10_000

function start(file: string, port: number): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [String(port)], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  })
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child))
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}`)))
  })
}

async function run(title: string, opts: autocannon.Options): Promise<number> {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts })
  if (r.non2xx || r.errors) throw new Error(`${title}: ${r.non2xx} non-2xx, ${r.errors} errors`)
  return r.requests.average
}

const db = knex({ client: 'pg', connection: url })
await db.raw('drop schema public cascade; create schema public')
const plume = await start('./servers/plume.ts', 3331)
const hand = await start('./servers/hand.ts', 3332)
try {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    code: `B-${i}`,
    name: `Bench customer ${i}`,
    creditLimit: `${i}.50`,
    status: 'active',
  }))
  await db.batchInsert('customers', rows, 1000)
  await db.raw('analyze customers')
  const auth = await fetch('http://127.0.0.1:3331/api/authentication', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strategy: 'local', email: 'bench@plume.local', password: 'bench-Password-1' }),
  }).then((r) => r.json() as Promise<{ accessToken: string }>)
  const headers = { authorization: `Bearer ${auth.accessToken}` }
  let i = 0
  const nextId = () => (i = (i % ROWS) + 1)
  const getReq = (base: string, h: Record<string, string> = {}) => ({
    requests: [
      {
        method: 'GET' as const,
        headers: h,
        setupRequest: (req: autocannon.Request) => ({ ...req, path: `${base}/${nextId()}` }),
      },
    ],
  })
  const listReq = (path: string, h: Record<string, string> = {}) => ({
    requests: [
      {
        method: 'GET' as const,
        headers: h,
        setupRequest: (req: autocannon.Request) => ({ ...req, path: `${path}${(nextId() % 200) * 25}` }),
      },
    ],
  })
  // both sides must answer with the same record, or the comparison says nothing
  const [mine, theirs] = await Promise.all([
    fetch('http://127.0.0.1:3331/api/customers/1', { headers }).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
    ),
    fetch('http://127.0.0.1:3332/customers/1').then((r) => r.json() as Promise<Record<string, unknown>>),
  ])
  if (JSON.stringify(Object.keys(mine).sort()) !== JSON.stringify(Object.keys(theirs).sort()))
    throw new Error(
      `crud bench: the two servers answer different fields: ${Object.keys(mine)} vs ${Object.keys(theirs)}`,
    )
  // warm up both
  await run('warm', { url: 'http://127.0.0.1:3331', duration: 2, ...getReq('/api/customers', headers) })
  await run('warm', { url: 'http://127.0.0.1:3332', duration: 2, ...getReq('/customers') })
  // rounds alternate which side goes first, so a machine that gets busier or quieter during the
  // run does not favour one side; the ratio reported is the median of the rounds
  const measure = async (plumeReq: autocannon.Options, handReq: autocannon.Options) => {
    const rounds: Array<[number, number]> = []
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) rounds.push([await run('plume', plumeReq), await run('hand', handReq)])
      else {
        const h = await run('hand', handReq)
        rounds.push([await run('plume', plumeReq), h])
      }
    }
    return rounds
  }
  const results: Array<[string, Array<[number, number]>]> = [
    [
      'GET by id',
      await measure(
        { url: 'http://127.0.0.1:3331', ...getReq('/api/customers', headers) },
        { url: 'http://127.0.0.1:3332', ...getReq('/customers') },
      ),
    ],
    [
      'paged list (25, counted)',
      await measure(
        { url: 'http://127.0.0.1:3331', ...listReq('/api/customers?$limit=25&$skip=', headers) },
        { url: 'http://127.0.0.1:3332', ...listReq('/customers?limit=25&skip=') },
      ),
    ],
  ]
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  console.log(
    `\nGenerated service vs hand-written Koa + pg (PostgreSQL, ${ROWS} rows, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${DURATION}s per side, auth + validation on)`,
  )
  console.log('| operation | Plume req/s | hand-written req/s | ratio per round | median ratio |')
  console.log('|---|---|---|---|---|')
  for (const [name, rounds] of results) {
    const ratios = rounds.map(([a, b]) => a / b)
    console.log(
      `| ${name} | ${rounds.map(([a]) => a.toFixed(0)).join(' / ')} | ${rounds.map(([, b]) => b.toFixed(0)).join(' / ')} | ${ratios.map((x) => x.toFixed(2)).join(' / ')} | ${median(ratios).toFixed(2)} |`,
    )
  }
} finally {
  plume.kill()
  hand.kill()
  await db.destroy()
}
