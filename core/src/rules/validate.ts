import type { EntityDefinition } from '@plume/metadata'
import type { FieldError } from '../validation/ajv.js'
import { pathSegments } from './conditions.js'
import { didYouMean } from './suggest.js'

/**
 * The "unknown fact / unknown field" checks every rule kind runs at save, so a rule never reads
 * something that cannot exist (it would only ever fail closed at run time).
 */

/** The first field a fact path reads (`$.status.code` → `status`), if any. */
export const firstField = (path: string | undefined): string | undefined => pathSegments(path)[0]

/** `unknown field "x" of order` when the path reads a field the entity lacks (`id` is always there). */
export function unknownField(
  entity: EntityDefinition,
  path: string | undefined,
  at: string,
): FieldError | undefined {
  const first = firstField(path)
  if (!first || first === 'id' || entity.fields[first]) return undefined
  return {
    path: at,
    message: `unknown field "${first}" of ${entity.name}${didYouMean(first, ['id', ...Object.keys(entity.fields)])}`,
  }
}

/** `unknown fact "x"` (listing the known ones when given). */
export const unknownFact = (name: string, at: string, known?: Iterable<string>): FieldError => ({
  path: at,
  message: `unknown fact "${name}"${known ? `: ${[...known].join(', ')}` : ''}`,
})

/** Prefixes the paths of a definition's errors (`/definition/conditions/all/0`). */
export const under = (prefix: string, errors: FieldError[]): FieldError[] =>
  errors.map((e) => ({ path: `${prefix}${e.path === '/' ? '' : e.path}`, message: e.message }))
