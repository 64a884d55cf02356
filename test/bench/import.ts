/**
 * Import of customers from CSV on PostgreSQL: uploads BENCH_IMPORT_ROWS rows (default 100,000, the
 * target's size; the core's bulk write path, core/src/service/bulk.ts) over HTTP in parts, runs the
 * dry run and the commit through the import job, and prints the seconds of each and the rows per
 * second (target: 100,000 committed in under 60 s).
 * `BENCH_IMPORT_MODES=dry-run,commit,upsert` adds a run of the same file again (every row a patch).
 * Run: DATABASE_URL=postgres://… npx tsx test/bench/import.ts [rows]   (or `npm run bench`);
 * without DATABASE_URL on PGlite.
 */
import { loadavg } from 'node:os'
import { startTestPlatform } from '@plume/core/testing'

// without DATABASE_URL the platform runs on embedded PGlite (the target is measured on PostgreSQL)
console.log(`  database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`)
const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? process.argv[2] ?? 100_000)
/** The runs, in order: `dry-run`, `commit` (creates every row), `upsert` (the same file again: every row patches). */
const MODES = (process.env.BENCH_IMPORT_MODES ?? 'dry-run,commit').split(',') as Array<
  'dry-run' | 'commit' | 'upsert'
>
/** A run that has not finished by then is reported as such (every polling loop is bounded). */
const GIVE_UP_MS = 60 * 60_000
const PART = 512 * 1024

const p = await startTestPlatform()
try {
  let token = await p.login()
  const lines = ['code,name,email,creditLimit,paymentTermsDays']
  for (let i = 1; i <= ROWS; i++)
    lines.push(`B-${i},Bench customer ${i},b${i}@example.com,${i % 100000}.50,30`)
  const file = Buffer.from(lines.join('\n'))
  const uploadFile = async () => {
    const t = performance.now()
    const first = await p.http(
      'POST',
      '/api/imports',
      {
        entity: 'customer',
        format: 'csv',
        file: file.subarray(0, PART).toString('base64'),
        more: file.length > PART,
      },
      token,
    )
    let last = first
    for (let at = PART; at < file.length; at += PART) {
      last = await p.http(
        'PATCH',
        `/api/imports/${first.body.id}`,
        { append: file.subarray(at, at + PART).toString('base64'), more: at + PART < file.length },
        token,
      )
    }
    if (last.body.status !== 'uploaded') throw new Error(`upload: ${JSON.stringify(last.body).slice(0, 300)}`)
    console.log(
      `  upload ${(file.length / 1e6).toFixed(1)} MB in ${Math.ceil(file.length / PART)} parts: ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
    return first.body.id as number
  }
  let id = await uploadFile()
  for (const mode of MODES) {
    // an upsert: the same file once more, every row finding its record by code
    if (mode === 'upsert') id = await uploadFile()
    const t = performance.now()
    const run = mode === 'upsert' ? 'commit' : mode
    const started = await p.http('PATCH', `/api/imports/${id}`, { run }, token)
    if (started.status !== 200) throw new Error(`${mode}: ${started.status} ${JSON.stringify(started.body)}`)
    let rec = started.body
    const giveUp = Date.now() + GIVE_UP_MS
    while (!['checked', 'failed', 'done', 'error'].includes(rec.status)) {
      if (Date.now() > giveUp) throw new Error(`${mode}: not finished after ${GIVE_UP_MS / 60_000} minutes`)
      await new Promise((r) => setTimeout(r, 250))
      const polled = await p.http('GET', `/api/imports/${id}`, undefined, token)
      // a run longer than the access token's lifetime: sign in again rather than poll a 401 forever
      if (polled.status === 401) token = await p.login()
      else rec = polled.body
    }
    const s = (performance.now() - t) / 1000
    if (rec.errorCount)
      throw new Error(`${mode}: ${rec.errorCount} errors, first ${JSON.stringify(rec.errors[0])}`)
    console.log(
      `  ${mode} of ${ROWS} customers: ${s.toFixed(1)} s (${Math.round(ROWS / s)} rows/s; ${rec.created} created, ${rec.updated} updated; 100,000 rows at this rate: ${Math.round((100_000 / ROWS) * s)} s, target < 60 s)`,
    )
  }
  console.log(`  load average while measured: ${loadavg()[0]!.toFixed(1)} (2 cores shared)`)
} finally {
  await p.close()
}
