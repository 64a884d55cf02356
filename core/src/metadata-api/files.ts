/**
 * A snapshot as files for git: `custom/<name>.json` (entity files), `customizations/<name>.json`,
 * and `files.json` (where each file-made entity comes from, with its fingerprint).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot.js'

const write = (file: string, value: unknown) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)

/**
 * Writes a snapshot into `dir` (its `custom/` and `customizations/` folders are replaced).
 * @example writeSnapshotFiles('plume-metadata', await takeSnapshot(rt))
 */
export function writeSnapshotFiles(dir: string, snap: Snapshot): void {
  for (const [folder, items] of [
    ['custom', snap.custom],
    ['customizations', snap.customizations],
  ] as const) {
    rmSync(join(dir, folder), { recursive: true, force: true })
    mkdirSync(join(dir, folder), { recursive: true })
    for (const [name, value] of Object.entries(items)) write(join(dir, folder, `${name}.json`), value)
  }
  write(join(dir, 'files.json'), { format: snap.format, files: snap.files })
}

function readFolder(dir: string): Record<string, Record<string, unknown>> {
  if (!existsSync(dir)) return {}
  const out: Record<string, Record<string, unknown>> = {}
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const file = join(dir, f)
    try {
      out[f.slice(0, -5)] = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch (err) {
      throw new Error(`${file}: invalid JSON (${(err as Error).message})`)
    }
  }
  return out
}

/** Reads a snapshot written by {@link writeSnapshotFiles}. */
export function readSnapshotFiles(dir: string): Snapshot {
  if (!existsSync(dir))
    throw new Error(`${dir}: no such folder (write one with "metadata snapshot --out ${dir}")`)
  const index = existsSync(join(dir, 'files.json'))
    ? (JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as { files?: Snapshot['files'] })
    : {}
  return {
    format: SNAPSHOT_FORMAT,
    custom: readFolder(join(dir, 'custom')),
    customizations: readFolder(join(dir, 'customizations')),
    files: index.files ?? {},
  }
}
