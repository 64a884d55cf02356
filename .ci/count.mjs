// Sums vitest JSON reports into the closing line CI reads: "N passed, N failed".
import { readFileSync, existsSync } from 'node:fs'
let passed = 0,
  failed = 0,
  skipped = 0
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    failed += 1
    console.log(`missing report ${file} (suite crashed)`)
    continue
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  passed += r.numPassedTests ?? 0
  // a suite that failed to load has no failed test of its own: count it once
  const crashed = (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && !(t.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length
  failed += (r.numFailedTests ?? 0) + crashed
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
