/** Reading the bodies of the metadata routes: unknown keys and wrong shapes are 400s naming the key. */
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import { deriveCustomization, isEmptyCustomization } from './customize.js'
import type { ChangeKind, ChangeRequest } from './change.js'
import type { MetadataRuntime } from './runtime.js'

type Body = Record<string, unknown>

const fail = (path: string, message: string) =>
  new BadRequest(`Invalid request: ${path} ${message}`, { errors: [{ path, message }] })

/** The body as an object with only `allowed` keys. */
export function bodyOf(data: unknown, allowed: readonly string[]): Body {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw fail('/', 'must be a JSON object')
  for (const key of Object.keys(data))
    if (!allowed.includes(key)) throw fail(`/${key}`, `is not allowed here (expected: ${allowed.join(', ')})`)
  return data as Body
}

const stringList = (v: unknown, path: string): string[] => {
  if (v === undefined) return []
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
    throw fail(path, 'must be a list of step names, e.g. ["drop-column:fax"]')
  return v as string[]
}

const renamesOf = (v: unknown): Record<string, string> => {
  if (v === undefined) return {}
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((s) => typeof s !== 'string'))
    throw fail('/renames', 'must map old field names to new ones, e.g. {"phone": "mobile"}')
  return v as Record<string, string>
}

/** The `:name` of a route. */
export const routeName = (params: Params): string =>
  String((params.route as Record<string, unknown> | undefined)?.name ?? '')

/**
 * A change request from a body `{ definition, renames?, confirm?, hash? }` for entity `name`:
 * a custom entity's definition is stored whole; a file-made entity's becomes a customization.
 */
export function changeRequest(
  rt: MetadataRuntime,
  name: string,
  data: unknown,
  opts: { create?: boolean; keys: readonly string[] },
): ChangeRequest {
  const body = bodyOf(data, opts.keys)
  const definition = body.definition
  if (!definition || typeof definition !== 'object' || Array.isArray(definition))
    throw fail('/definition', 'must be an entity definition (the JSON of an entity file)')
  const def = definition as Body
  const declared = (def['x-entity'] as { name?: unknown } | undefined)?.name
  const base = {
    renames: renamesOf(body.renames),
    confirm: stringList(body.confirm, '/confirm'),
    ...(typeof body.hash === 'string' ? { hash: body.hash } : {}),
  }
  if (opts.keys.includes('hash') && typeof body.hash !== 'string')
    throw fail('/hash', 'is required: send the hash the preview answered')
  if (opts.create) {
    if (typeof declared !== 'string') throw fail('/x-entity/name', 'is required')
    if (rt.app.get('entities').has(declared))
      throw fail('/x-entity/name', `entity "${declared}" already exists`)
    return {
      entity: declared,
      next: { name: declared, kind: 'custom', definition: def },
      kind: 'create',
      ...base,
    }
  }
  if (!rt.app.get('entities').has(name)) throw new NotFound(`No entity definition named "${name}"`)
  if (declared !== name) throw fail('/x-entity/name', `must stay "${name}" (an entity cannot be renamed)`)
  const owner = rt.ownership(name)
  if (owner.kind === 'custom')
    return { entity: name, next: { name, kind: 'custom', definition: def }, kind: 'change', ...base }
  const file = rt.files.get(name)
  if (!file) throw new NotFound(`No entity definition named "${name}"`)
  const { customization, errors } = deriveCustomization(
    file.schema,
    def,
    owner.kind === 'plugin' ? `plugin ${owner.plugin}` : 'the core',
  )
  if (errors.length > 0)
    throw new BadRequest(`Invalid definition: ${errors[0]!.path} ${errors[0]!.message}`, {
      errors: errors.map((e) => ({ path: e.path, message: e.message })),
    })
  const next = isEmptyCustomization(customization)
    ? null
    : { name, kind: 'customization' as const, definition: customization as unknown as Body }
  return { entity: name, next, kind: 'customize' as ChangeKind, ...base }
}
