#!/usr/bin/env node
/**
 * Gzip size of what /admin loads before anything else: the entry script, its modulepreloads and
 * the stylesheets linked from dist/index.html. Fails (exit 1) over the budget.
 * Usage: [PLUME_ADMIN_DIST=<folder>] node admin-ui/scripts/size.mjs [--budget-js=350] [--json]
 */
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

// PLUME_ADMIN_DIST: a build made elsewhere (the folder the platform serves then)
const dist = process.env.PLUME_ADMIN_DIST ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`))
  return a ? Number(a.split('=')[1]) : dflt
}
const budgetJs = arg('budget-js', 350)
if (!existsSync(join(dist, 'index.html'))) {
  console.error('admin-ui/dist/index.html is missing: run `npm run build -w admin-ui` first')
  process.exit(2)
}
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const attr = (tag, name) => new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1]
const files = { js: new Set(), css: new Set() }
for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
  const src = attr(tag, 'src')
  if (src && /type="module"/.test(tag)) files.js.add(src)
}
for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
  const href = attr(tag, 'href')
  const rel = attr(tag, 'rel')
  if (!href) continue
  if (rel === 'modulepreload') files.js.add(href)
  if (rel === 'stylesheet') files.css.add(href)
}
const local = (url) => join(dist, url.replace(/^\/admin\//, '').replace(/^\//, ''))
const measure = (set) =>
  [...set].map((url) => {
    const buf = readFileSync(local(url))
    return { url, raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length }
  })
const js = measure(files.js)
const css = measure(files.css)
const kb = (n) => (n / 1024).toFixed(1)
const sum = (list, k) => list.reduce((s, x) => s + x[k], 0)
const result = {
  js: { files: js.length, raw: sum(js, 'raw'), gzip: sum(js, 'gzip') },
  css: { files: css.length, raw: sum(css, 'raw'), gzip: sum(css, 'gzip') },
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result))
else {
  for (const f of [...js, ...css])
    console.log(`${kb(f.gzip).padStart(8)} KB gzip  ${kb(f.raw).padStart(8)} KB  ${f.url}`)
  console.log(
    `initial JS : ${kb(result.js.gzip)} KB gzip (${result.js.files} files, ${kb(result.js.raw)} KB raw) — budget ${budgetJs} KB`,
  )
  console.log(
    `initial CSS: ${kb(result.css.gzip)} KB gzip (${result.css.files} files, ${kb(result.css.raw)} KB raw)`,
  )
}
if (result.js.gzip > budgetJs * 1024) {
  console.error(`initial JS ${kb(result.js.gzip)} KB gzip is over the ${budgetJs} KB budget`)
  process.exit(1)
}
