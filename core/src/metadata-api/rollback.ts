/** Rolling an entity back to the definition it had before a version: every later change undone in one plan. */
import { BadRequest, Conflict, NotFound } from '@feathersjs/errors'
import type { ChangeRequest } from './change.js'
import type { VersionRow } from './store.js'

/**
 * The renames that lead from today's field names back to those before `versions` (newest first):
 * `{ current: older }`.
 * @example composeRenames([{ renames: { b: 'c' } }, { renames: { a: 'b' } }]) // { c: 'a' }
 */
export function composeRenames(
  newestFirst: ReadonlyArray<Pick<VersionRow, 'renames'>>,
): Record<string, string> {
  const map = new Map<string, string>()
  for (const v of newestFirst) {
    for (const [from, to] of Object.entries(v.renames)) {
      let hit = false
      for (const [cur, old] of map)
        if (old === to) {
          map.set(cur, from)
          hit = true
        }
      if (!hit && !map.has(to)) map.set(to, from)
    }
  }
  return Object.fromEntries([...map].filter(([a, b]) => a !== b))
}

/**
 * The change that restores the definition from before `version`. Refused (409) when a change since
 * then lost data that a rollback cannot bring back; the caller may still apply the old definition
 * through preview/apply.
 */
export function rollbackRequest(
  entity: string,
  versions: readonly VersionRow[],
  version: unknown,
  confirm: string[],
): ChangeRequest {
  if (typeof version !== 'number' || !Number.isInteger(version))
    throw new BadRequest('Invalid request: /version must be an integer', {
      errors: [{ path: '/version', message: 'must be an integer (a version from GET …/versions)' }],
    })
  const target = versions.find((v) => v.version === version)
  if (!target) throw new NotFound(`${entity} has no version ${version}`)
  const undone = versions.filter((v) => v.version >= version).reverse()
  const lossy = undone.filter((v) => !v.reverse.lossless)
  if (lossy.length > 0) {
    const notes = lossy.flatMap((v) => v.reverse.notes.map((n) => `version ${v.version}: ${n}`))
    throw new Conflict(
      `Cannot roll ${entity} back to before version ${version}: ${notes.join('; ')}. Apply the older definition through preview/apply instead.`,
      { reason: 'not-reversible', notes },
    )
  }
  return { entity, next: target.before, renames: composeRenames(undone), kind: 'rollback', confirm }
}
