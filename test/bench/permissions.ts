/**
 * Permission overhead of a GET-by-id, in process and over HTTP: the rule engine loaded with only
 * the rules this deployment needs vs 1,000 rules (mostly for other entities and roles), and the
 * same call with no permission check at all for reference.
 * Run: npx tsx test/bench/permissions.ts   (PGlite), or with DATABASE_URL for PostgreSQL.
 */
import autocannon from 'autocannon'
import { performance } from 'node:perf_hooks'
import { readRuleFiles, type PermissionEngine, type PermissionRule } from '@plume/core/internal'
import { builtInEntityDirs, builtInGrantRules, builtInGrants, startTestPlatform } from '@plume/core/testing'

const ITER = Number(process.env.BENCH_ITER ?? 20_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 5)

const grants = builtInGrants()
const p = await startTestPlatform({ pluginDirs: [], entityDirs: builtInEntityDirs(), plugins: [grants] })
const { app } = p
const engine = app.get('permissionEngine') as PermissionEngine
// the core's default rules and the built-in plugins' grants (the rules of a real deployment)
const needed = [
  ...readRuleFiles().flatMap((f) => f.rules as PermissionRule[]),
  ...(builtInGrantRules() as PermissionRule[]),
]
const entities = [...p.entities.values()]
const crud = ['find', 'get', 'create', 'patch', 'update', 'remove']
const noise: PermissionRule[] = []
for (let i = 0; noise.length + needed.length < 1000; i++) {
  const e = entities[i % entities.length]!
  const owned =
    'partnerId' in e.fields
      ? { row: { partnerId: { $fact: 'user.partnerId' } } }
      : 'ownerId' in e.fields
        ? { row: { ownerId: { $fact: 'user.id' } } }
        : {}
  noise.push({
    name: `noise-${i}`,
    effect: i % 17 === 0 ? 'deny' : 'allow',
    entities: [e.name],
    actions: [crud[i % crud.length]!, crud[(i + 2) % crud.length]!],
    conditions: {
      all: [
        { fact: 'user', path: '$.roles', operator: 'contains', value: `role_${i % 40}` },
        { fact: 'user', path: '$.attributes.level', operator: 'greaterThan', value: i % 5 },
      ],
    },
    ...(i % 17 === 0 ? {} : owned),
    ...(i % 3 === 0 && i % 17 !== 0
      ? { fields: { hidden: [e.fieldOrder.find((f) => !['id', 'partnerId', 'ownerId'].includes(f))!] } }
      : {}),
  } as PermissionRule)
}

const customer = (await app
  .service('api/customers')
  .create({ code: 'B-1', name: 'Bench', partnerId: null, ownerId: null })) as { id: number }
const manager = (await app.service('api/users').create({
  email: 'mgr@bench.local',
  name: 'Manager',
  password: 'Bench-Secret-123',
  roles: ['sales_manager'],
  active: true,
})) as Record<string, unknown> & { id: number }
const token = await p.login('mgr@bench.local', 'Bench-Secret-123')
const svc = app.service('api/customers')

async function batch(params: () => Record<string, unknown>, n: number): Promise<number> {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await svc.get(customer.id, params())
  return performance.now() - t0
}

const rest = () => ({ provider: 'rest', user: manager, authenticated: true })
const internal = () => ({})
const thousandRules = [...needed, ...noise]
await batch(rest, 2000)
// configurations interleaved in small batches, so drift in machine load hits all three alike
const BATCH = 250
const results: Record<string, number[]> = { none: [], needed: [], thousand: [] }
for (let r = 0; r < ROUNDS; r++) {
  const sums = { none: 0, needed: 0, thousand: 0 }
  for (let done = 0; done < ITER; done += BATCH) {
    sums.none += await batch(internal, BATCH)
    engine.load(needed)
    sums.needed += await batch(rest, BATCH)
    engine.load(thousandRules)
    sums.thousand += await batch(rest, BATCH)
  }
  for (const k of ['none', 'needed', 'thousand'] as const) results[k]!.push((sums[k] * 1000) / ITER)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const none = median(results.none!)
const need = median(results.needed!)
const thousand = median(results.thousand!)
console.log(`in-process GET /api/customers/:id, ${ITER} calls × ${ROUNDS} rounds (median µs/call), ${p.kind}`)
console.log(`  no permission check (internal call): ${none.toFixed(1)} µs`)
console.log(`  needed rules (${needed.length}):            ${need.toFixed(1)} µs`)
console.log(`  1,000 rules:                         ${thousand.toFixed(1)} µs`)
console.log(
  `  added by 1,000 rules vs needed: ${(((thousand - need) / need) * 100).toFixed(2)} %   (target ≤ 5 %)`,
)
console.log(`  permission layer vs none:       ${(((need - none) / none) * 100).toFixed(2)} %`)

// the decision alone (what the hook adds before SQL), cached per entity/action/user facts
const decideNs = (rules: PermissionRule[]) => {
  engine.load(rules)
  const user = { id: manager.id, roles: ['sales_manager'], partnerId: null, attributes: {} }
  const n = 200_000
  const t0 = performance.now()
  for (let i = 0; i < n; i++) engine.decide('customer', 'get', user)
  return ((performance.now() - t0) * 1e6) / n
}
console.log(
  `  engine.decide alone: needed ${decideNs(needed).toFixed(0)} ns, 1,000 rules ${decideNs([...needed, ...noise]).toFixed(0)} ns`,
)

async function http(): Promise<number> {
  const res = await autocannon({
    url: `${p.url}/api/customers/${customer.id}`,
    connections: 8,
    duration: HTTP_SECONDS,
    headers: { authorization: `Bearer ${token}` },
  })
  if (res.non2xx || res.errors) throw new Error(`http bench: ${res.non2xx} non-2xx, ${res.errors} errors`)
  return res.latency.mean
}
engine.load(needed)
const hNeeded = await http()
engine.load([...needed, ...noise])
const hThousand = await http()
console.log(`HTTP GET /api/customers/:id, 8 connections, ${HTTP_SECONDS}s each (mean latency)`)
console.log(
  `  needed rules: ${hNeeded.toFixed(3)} ms   1,000 rules: ${hThousand.toFixed(3)} ms   added: ${(((hThousand - hNeeded) / hNeeded) * 100).toFixed(2)} %`,
)
await p.close()
