/**
 * `npm run bench` → widget sizes: the bundle the platform serves (`/sdk/plume.js`, built by vite
 * as for release), raw and gzip, and per widget — the shared runtime plus that one widget, and
 * what the widget adds to a bundle of the others (minified by esbuild like vite does). Budgets
 * of issue #18: runtime + one widget ≤ 40 KB gzip, each further widget ≤ 15 KB gzip; over
 * budget exits 1.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '../..')
const WIDGETS: Array<[string, string, string]> = [
  ['plume-catalog', 'catalog', 'PlumeCatalog'],
  ['plume-order-form', 'order-form', 'PlumeOrderForm'],
  ['plume-order-status', 'order-status', 'PlumeOrderStatus'],
  ['plume-partner-dashboard', 'partner-dashboard', 'PlumePartnerDashboard'],
  ['plume-invoices', 'invoices', 'PlumeInvoices'],
]
const BUDGET = { first: 40_000, further: 15_000 }

const gz = (b: Uint8Array) => gzipSync(b, { level: 9 }).length
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`

async function bundle(names: Array<[string, string, string]>): Promise<Uint8Array> {
  const contents = names
    .map(
      ([tag, file, cls]) => `import { ${cls} } from './${file}.js'\ncustomElements.define('${tag}', ${cls})`,
    )
    .join('\n')
  const r = await build({
    stdin: { contents, resolveDir: join(ROOT, 'sdk/src/widgets'), loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
  })
  return r.outputFiles[0]!.contents
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'plume-widgets-'))
  let status = 0
  try {
    execFileSync(
      'npx',
      ['vite', 'build', '-c', 'vite.widgets.config.ts', '--outDir', out, '--logLevel', 'error'],
      {
        // as `npm run build:widgets -w @plume/sdk` does, into a directory of its own
        cwd: join(ROOT, 'sdk'),
        stdio: 'inherit',
      },
    )
    const served = readFileSync(join(out, 'plume.js'))
    console.log(
      `  /sdk/plume.js (all ${WIDGETS.length} widgets): ${kb(served.length)} raw, ${kb(gz(served))} gzip`,
    )
    const all = await bundle(WIDGETS)
    for (const w of WIDGETS) {
      const alone = await bundle([w])
      const others = await bundle(WIDGETS.filter((x) => x !== w))
      const adds = gz(all) - gz(others)
      const over = gz(alone) > BUDGET.first || adds > BUDGET.further
      if (over) status = 1
      console.log(
        `  <${w[0]}>: runtime + it ${kb(alone.length)} raw, ${kb(gz(alone))} gzip; adds ${kb(all.length - others.length)} raw, ${kb(adds)} gzip to the others${over ? '  OVER BUDGET' : ''}`,
      )
    }
    console.log(
      `  budget: runtime + one widget ≤ ${kb(BUDGET.first)} gzip, each further ≤ ${kb(BUDGET.further)} gzip`,
    )
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
  process.exitCode = status
}

await main()
