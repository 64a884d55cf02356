#!/usr/bin/env node
/**
 * The builder's weight outside the builder (#17): the gzip size of builder code (chunks named after
 * a module under src/views/builder/) that routes other than the builder's can load — the entry, its
 * static imports, and every chunk reachable from them (static or lazy) without entering a builder
 * screen. The builder screens themselves are lazy chunks, reported apart. Fails (exit 1) over the
 * budget. Usage: [PLUME_ADMIN_DIST=<folder>] node admin-ui/scripts/builder-size.mjs [--budget=150] [--json]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))
const dist = process.env.PLUME_ADMIN_DIST ?? join(here, '..', 'dist')
const budget = Number(process.argv.find((a) => a.startsWith('--budget='))?.split('=')[1] ?? 150)
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`${dist}/index.html is missing: build the admin UI first`)
  process.exit(2)
}
const builderDir = join(here, '..', 'src', 'views', 'builder')
const walk = (d) =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === '__tests__' ? [] : walk(join(d, e.name))) : [join(d, e.name)],
  )
const sources = walk(builderDir).filter((f) => /\.(ts|vue)$/.test(f))
// the builder's screens: the components its routes import lazily
const routes = readFileSync(join(builderDir, 'routes.ts'), 'utf8')
const screens = new Set([...routes.matchAll(/import\('\.\/[\w/]*?(\w+)\.vue'\)/g)].map((m) => m[1]))
// builder modules by name, less names other folders use too (a chunk is named after one of its modules)
const elsewhere = new Set(
  walk(join(here, '..', 'src'))
    .filter((f) => !f.startsWith(builderDir))
    .map((f) => basename(f).replace(/\.(ts|vue)$/, '')),
)
const builderNames = new Set(
  sources.map((f) => basename(f).replace(/\.(ts|vue)$/, '')).filter((n) => !elsewhere.has(n)),
)

const assets = join(dist, 'assets')
const chunkName = (file) => file.replace(/-[\w-]{8}\.js$/, '')
const imports = (file) => {
  const code = readFileSync(join(assets, file), 'utf8')
  return [...code.matchAll(/(?:from|import)\s*\(?\s*["'`]\.\/([\w.-]+\.js)["'`]/g)].map((m) => m[1])
}
const entry = [
  ...readFileSync(join(dist, 'index.html'), 'utf8').matchAll(/(?:src|href)="[^"]*\/assets\/([\w.-]+\.js)"/g),
].map((m) => m[1])
const outside = new Set()
const todo = [...entry]
while (todo.length) {
  const f = todo.pop()
  if (outside.has(f) || screens.has(chunkName(f))) continue
  outside.add(f)
  todo.push(...imports(f))
}
const gz = (f) => gzipSync(readFileSync(join(assets, f)), { level: 9 }).length
const builderOutside = [...outside].filter((f) => builderNames.has(chunkName(f)))
const lazy = readdirSync(assets).filter((f) => f.endsWith('.js') && screens.has(chunkName(f)))
const kb = (n) => (n / 1024).toFixed(1)
const result = {
  outside: { files: builderOutside.map(chunkName), gzip: builderOutside.reduce((s, f) => s + gz(f), 0) },
  screens: { files: lazy.length, gzip: lazy.reduce((s, f) => s + gz(f), 0) },
  budget: budget * 1024,
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result))
else {
  console.log(
    `builder JS outside the builder: ${kb(result.outside.gzip)} KB gzip (${result.outside.files.join(', ') || 'none'}) — budget ${budget} KB`,
  )
  console.log(`builder screens (lazy): ${kb(result.screens.gzip)} KB gzip in ${result.screens.files} chunks`)
}
if (result.outside.gzip > budget * 1024) {
  console.error(`the builder adds ${kb(result.outside.gzip)} KB gzip outside its screens: over ${budget} KB`)
  process.exit(1)
}
