// Runs the static checks (lint, typecheck) one after the other and writes their results as a
// vitest-like JSON report (one test per check) that count.mjs adds to the closing line.
// Usage: node .ci/checks.mjs <report.json> <npm script>...
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const [out, ...scripts] = process.argv.slice(2)
const assertionResults = scripts.map((script) => {
  console.log(`-- npm run ${script}`)
  const started = Date.now()
  const r = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' })
  const status = r.status === 0 ? 'passed' : 'failed'
  console.log(`-- npm run ${script}: ${status} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  return {
    title: `npm run ${script}`,
    fullName: `checks npm run ${script}`,
    status,
    failureMessages: status === 'passed' ? [] : [`exit ${r.status ?? r.signal}`],
  }
})
const passed = assertionResults.filter((a) => a.status === 'passed').length
const failed = assertionResults.length - passed
writeFileSync(
  out,
  JSON.stringify({
    numTotalTests: assertionResults.length,
    numPassedTests: passed,
    numFailedTests: failed,
    testResults: [{ name: 'checks', status: failed ? 'failed' : 'passed', assertionResults }],
  }),
)
process.exit(failed ? 1 : 0)
