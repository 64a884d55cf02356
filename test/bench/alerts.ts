/**
 * Cost per event of the alert engine (rules run on json-rules-engine, indexed by trigger) with
 * 1,000 rules, 10 of which listen to the event:
 * (1) dispatch + evaluation of an event whose 10 listening rules do not match (the common case),
 * (2) an event with no listening rule, (3) an event where one rule matches (firing + job written),
 * (4) the overhead on a whole service write (PATCH of a customer, in process) vs no rules.
 * Target: ≤ 50 µs per event for (1). Run: npx tsx test/bench/alerts.ts (PGlite), or with DATABASE_URL.
 */
import { performance } from 'node:perf_hooks'
import { automationOf, type AutomationRule, type StoredAutomationRule } from '@plume/core/internal'
import { startTestPlatform } from '@plume/core/testing'

process.env.PLUME_JOBS = '0'
process.env.PLUME_SCHEDULER = '0'
const ITER = Number(process.env.BENCH_ITER ?? 20_000)
const WRITES = Number(process.env.BENCH_WRITES ?? 300)

const p = await startTestPlatform()
const { app } = p
const engine = automationOf(app)
const knex = app.get('db').knex
const entities = [...p.entities.values()].filter((e) => e.name !== 'customer')
const events = ['created', 'patched', 'removed'] as const

function stored(id: number, definition: AutomationRule): StoredAutomationRule {
  return {
    id,
    name: definition.name,
    kind: 'alert',
    definition,
    version: 1,
    enabled: true,
    updatedAt: new Date(),
    updatedBy: null,
  }
}
const notify = [{ type: 'notify', roles: ['admin'], title: 'x {{record.id}}' }]
const rules: StoredAutomationRule[] = []
// 990 rules on other entities/events, transitions and schedules
for (let i = 0; rules.length < 990; i++) {
  const e = entities[i % entities.length]!
  const def: AutomationRule =
    i % 10 === 0
      ? {
          name: `sched-${i}`,
          trigger: { type: 'schedule', cron: `${i % 60} * * * *` },
          conditions: { all: [{ fact: 'now', path: '$.epoch', operator: 'greaterThan', value: 0 }] },
          actions: notify,
        }
      : i % 7 === 0
        ? {
            name: `ship-${i}`,
            trigger: { type: 'event', entity: 'order', on: 'transition', action: i % 2 ? 'ship' : 'approve' },
            conditions: { all: [{ fact: 'record', path: '$.total', operator: 'greaterThan', value: i }] },
            actions: notify,
          }
        : {
            name: `other-${i}`,
            trigger: { type: 'event', entity: e.name, on: events[i % 3]! },
            conditions: { all: [{ fact: 'record', path: '$.id', operator: 'equal', value: -i }] },
            actions: notify,
          }
  rules.push(stored(100_000 + i, def))
}
// 10 rules on customer patched, none matching the benchmark's records
for (let i = 0; i < 10; i++) {
  rules.push(
    stored(200_000 + i, {
      name: `customer-${i}`,
      trigger: { type: 'event', entity: 'customer', on: 'patched' },
      conditions: {
        all: [
          { fact: 'record', path: '$.status', operator: 'equal', value: 'blocked' },
          { fact: 'record', path: '$.creditLimit', operator: 'greaterThan', value: 1_000_000 + i },
        ],
      },
      actions: notify,
    }),
  )
}
const matching = stored(300_000, {
  name: 'customer-vip',
  trigger: { type: 'event', entity: 'customer', on: 'created' },
  conditions: { all: [{ fact: 'record', path: '$.type', operator: 'equal', value: 'company' }] },
  actions: notify,
})

const customer = (await app
  .service('api/customers')
  .create({ code: 'B-1', name: 'Bench', type: 'company' })) as Record<string, unknown> & { id: number }
const patchEvent = {
  entity: 'customer',
  on: 'patched' as const,
  record: customer,
  previous: customer,
  data: { name: 'Bench' },
}
const quietEvent = { entity: 'customer', on: 'removed' as const, record: customer }

async function perEvent(
  label: string,
  event: typeof patchEvent | typeof quietEvent,
  n: number,
): Promise<number> {
  for (let i = 0; i < Math.min(1000, n); i++) await engine.emit(event, knex) // warm-up
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  for (let i = 0; i < n; i++) await engine.emit(event, knex)
  const cpu = process.cpuUsage(c0)
  const ms = (performance.now() - t0) / n
  // CPU time of this process per event: less sensitive than wall time to other load on the machine
  console.log(
    `${label.padEnd(62)} ${(ms * 1000).toFixed(1).padStart(8)} µs/event (CPU ${((cpu.user + cpu.system) / n).toFixed(1)} µs)`,
  )
  return ms
}

async function writes(label: string): Promise<number> {
  const svc = app.service('api/customers')
  for (let i = 0; i < 30; i++) await svc.patch(customer.id, { name: `Warm ${i}` })
  const t0 = performance.now()
  for (let i = 0; i < WRITES; i++) await svc.patch(customer.id, { name: `Bench ${i}` })
  const ms = (performance.now() - t0) / WRITES
  console.log(`${label.padEnd(62)} ${ms.toFixed(3).padStart(8)} ms/write`)
  return ms
}

console.log(`alert engine, ${p.kind}, ${ITER} events per figure`)
engine.load([])
const base = await writes('PATCH customer, no alert rules')
engine.load([...rules, matching])
console.log(
  `rules loaded: ${engine.size} (${engine.rulesFor('after', 'customer', 'patched').length} listen to customer/patched)`,
)
const dispatch = await perEvent('customer patched: 10 of 1,000 rules listen, none match', patchEvent, ITER)
await perEvent('customer removed: no listening rule', quietEvent, ITER)
const t0 = performance.now()
const N = Math.min(500, ITER)
for (let i = 0; i < N; i++) await engine.emit({ entity: 'customer', on: 'created', record: customer }, knex)
console.log(
  `${'customer created: 1 rule matches (firing + job written)'.padEnd(62)} ${((performance.now() - t0) / N).toFixed(3).padStart(8)} ms/event`,
)
const loaded = await writes('PATCH customer, 1,000 alert rules (10 listening)')
console.log(`overhead on a write: ${((loaded - base) * 1000).toFixed(0)} µs`)
const met = dispatch * 1000 <= 50
console.log(
  `alert cost per event, 10 of 1,000 rules listening: ${(dispatch * 1000).toFixed(1)} µs (target ≤ 50 µs: ${met ? 'met' : 'MISSED'})`,
)
await p.close()
process.exit(met ? 0 : 1)
