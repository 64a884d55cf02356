import { BadRequest } from '@feathersjs/errors'
import type { ImportColumn } from './targets.js'

/** Header of a file column → column path (`code`, `billingAddress.city`), or null to leave it out. */
export type Mapping = Record<string, string | null>

const norm = (s: string) => s.toLowerCase().replace(/[\s_\-/／.·:：()（）]+/g, '')

/**
 * Matches each header to a column by its field name or its English or Chinese label (case, spaces
 * and punctuation ignored); `billingAddress.city` and "Billing address / City" both name a
 * property of an object field. Unmatched headers map to null (left out).
 * @example suggestMapping(['Code', '名称', 'x'], columns) // { Code: 'code', 名称: 'name', x: null }
 */
export function suggestMapping(header: string[], columns: ImportColumn[]): Mapping {
  const byName = new Map<string, string>()
  for (const c of columns) {
    for (const k of [c.path, c.label.en, c.label['zh-CN']])
      if (!byName.has(norm(k))) byName.set(norm(k), c.path)
  }
  const used = new Set<string>()
  const out: Mapping = {}
  for (const h of header) {
    const path = byName.get(norm(h))
    out[h] = path && !used.has(path) ? path : null
    if (path) used.add(path)
  }
  return out
}

/**
 * Checks a mapping sent by a client against the file's header and the target's columns:
 * 400 naming `mapping/<header>` for an unknown header, an unknown column or a column mapped twice.
 */
export function checkMapping(mapping: unknown, header: string[], columns: ImportColumn[]): Mapping {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping))
    throw new BadRequest('Invalid import: mapping must be an object', {
      errors: [{ path: '/mapping', message: 'must be an object' }],
    })
  const paths = new Set(columns.map((c) => c.path))
  const seen = new Set<string>()
  const errors: Array<{ path: string; message: string }> = []
  for (const [h, p] of Object.entries(mapping as Record<string, unknown>)) {
    const at = `/mapping/${h}`
    if (!header.includes(h)) errors.push({ path: at, message: 'is not a column of the file' })
    else if (p === null) continue
    else if (typeof p !== 'string' || !paths.has(p))
      errors.push({ path: at, message: 'must name a field of the entity, or be null' })
    else if (seen.has(p))
      errors.push({ path: at, message: `maps to ${p}, which another column already fills` })
    else seen.add(p)
  }
  if (errors.length)
    throw new BadRequest(`Invalid import: ${errors[0]!.path.slice(1)} ${errors[0]!.message}`, { errors })
  const out: Mapping = {}
  for (const h of header)
    out[h] = ((mapping as Record<string, unknown>)[h] as string | null | undefined) ?? null
  return out
}

/** The header each column path was read from, to name the column of a row error. */
export function headerOf(mapping: Mapping): Map<string, string> {
  const out = new Map<string, string>()
  for (const [h, p] of Object.entries(mapping)) if (p) out.set(p, h)
  return out
}
