/** Reading definition files from disk. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { locateJsonError } from './json-position.js'
import { buildEntities } from './registry.js'
import type { EntitySource } from './registry.js'
import type { DefinitionError, EntityDefinition } from './types.js'

/** Absolute path of the shipped definitions (`metadata/entities`). */
export const ENTITIES_DIR: string = fileURLToPath(new URL('../entities', import.meta.url))

/** Thrown by {@link loadEntities}; `errors` lists every problem, the message one per line. */
export class DefinitionLoadError extends Error {
  readonly errors: DefinitionError[]

  constructor(errors: DefinitionError[]) {
    const lines = errors.map((e) =>
      e.path ? `${e.source} ${e.path}: ${e.message}` : `${e.source}: ${e.message}`,
    )
    super(`${errors.length} entity definition error${errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}`)
    this.name = 'DefinitionLoadError'
    this.errors = errors
  }
}

function listJson(dir: string): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listJson(full))
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full)
  }
  return out
}

/** A one-line parse error message with line and column. */
function describeParseError(text: string, err: unknown): string {
  const where = locateJsonError(text)
  if (where) return `invalid JSON at line ${where.line} column ${where.column}: ${where.reason}`
  // Our scanner found nothing wrong but JSON.parse did: report its message on one line.
  const message = err instanceof Error ? err.message : String(err)
  return `invalid JSON: ${message.replace(/\s+/g, ' ')}`
}

/**
 * Read every `*.json` under the given directories (recursively, sorted by path within each
 * directory, directories in the order given). Unparseable files come back with `parseError`.
 * @example loadEntityFiles([ENTITIES_DIR]).length // 30
 */
export function loadEntityFiles(dirs: string[]): EntitySource[] {
  const sources: EntitySource[] = []
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      sources.push({ source: dir, raw: undefined, parseError: 'entity directory does not exist' })
      continue
    }
    for (const file of listJson(dir).sort()) {
      const text = readFileSync(file, 'utf8')
      try {
        sources.push({ source: file, raw: JSON.parse(text) as unknown })
      } catch (err) {
        sources.push({ source: file, raw: undefined, parseError: describeParseError(text, err) })
      }
    }
  }
  return sources
}

/**
 * Load, validate and normalise the definitions in `dirs` plus `extra` (plugin or database
 * definitions). Throws {@link DefinitionLoadError} listing every problem.
 * @example const entities = loadEntities([ENTITIES_DIR]); entities.get('order')?.plural // 'orders'
 */
export function loadEntities(dirs: string[], extra: EntitySource[] = []): Map<string, EntityDefinition> {
  const { entities, errors } = buildEntities([...loadEntityFiles(dirs), ...extra])
  if (errors.length > 0) throw new DefinitionLoadError(errors)
  return entities
}
