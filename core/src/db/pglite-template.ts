import { PGlite } from '@electric-sql/pglite'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A freshly initialised PGlite cluster as a data-dir archive, made once per machine and PGlite
 * build and kept in the system's temporary folder. A new in-memory database loaded from it skips
 * `initdb`, which is most of PGlite's start-up (≈ 4.8 s against ≈ 1.3 s on the CI machines); the
 * test suites open one database per file. The archive holds nothing but the empty cluster.
 */
let cached: Promise<Blob | undefined> | undefined

/** The archive (made on first use), or `undefined` when it cannot be made or read. */
export function pgliteTemplate(): Promise<Blob | undefined> {
  cached ??= load().catch(() => undefined)
  return cached
}

async function load(): Promise<Blob | undefined> {
  const file = join(tmpdir(), `plume-pglite-template-${buildKey()}.tar`)
  try {
    return new Blob([readFileSync(file)])
  } catch {
    /* not made yet on this machine */
  }
  const pg = new PGlite()
  await pg.waitReady
  const archive = await pg.dumpDataDir('none')
  await pg.close()
  // written under a unique name, then renamed: a reader never sees half a file
  const partial = `${file}.${randomBytes(4).toString('hex')}`
  writeFileSync(partial, Buffer.from(await archive.arrayBuffer()))
  renameSync(partial, file)
  return archive
}

/** Changes with the installed PGlite build: its version and the size of its WebAssembly file. */
function buildKey(): string {
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }
  const wasm = join(dir, 'dist', 'pglite.wasm')
  return `${version}-${existsSync(wasm) ? statSync(wasm).size : 0}`
}
