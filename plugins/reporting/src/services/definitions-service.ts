import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { PlumeApp, PluginContext } from '@plume/core'
import { compileReport } from '../definition/compile.js'
import { reportParameters, type ReportParameters } from '../definition/parameters.js'
import { assertDefinitionShape } from '../definition/schema.js'
import type { ReportDefinition } from '../definition/types.js'
import { loadDefinition } from '../run.js'
import { reportsDocs } from './docs.js'

export const DEFINITIONS_PATH = 'api/report-definitions'

/** Fields of a built-in report an admin may change (the rest ships with the plugin). */
export const BUILT_IN_EDITABLE: ReadonlySet<string> = new Set(['name', 'label', 'schedule', 'version'])

/**
 * Checks a whole definition: shape, then metadata (fields, relations, periods, formulas, filters).
 * @example checkDefinition(app, { code: 'x', name: 'X', entity: 'order', measures: [{ fn: 'count' }] })
 */
export function checkDefinition(app: PlumeApp, def: unknown): ReportDefinition {
  assertDefinitionShape(def)
  compileReport(app.get('entities'), def)
  return def
}

const STORED = [
  'code',
  'name',
  'label',
  'entity',
  'dimensions',
  'measures',
  'filters',
  'periodGrouping',
  'chart',
  'schedule',
  'version',
] as const

function pick(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(STORED.filter((k) => k in data).map((k) => [k, data[k]]))
}

/**
 * `api/reports`: report definitions in the full format (measures with `fn`/`as`/`times`/`where`,
 * formulas, object dimensions), checked before they are stored through the
 * `report-definitions` entity service (so audit and events run as for any record). Guarded as the
 * `reports` resource; `get`, `patch` and `remove` take the id or the code.
 */
export function reportDefinitionsService(ctx: PluginContext) {
  const app = ctx.app
  const entityService = () => app.service(DEFINITIONS_PATH)
  return {
    docs: reportsDocs,
    async find(params: Params) {
      return entityService().find({ query: params.query ?? {} })
    },
    /** The definition, with the parameters a run takes (`parameters`, derived; unavailable reports have none). */
    async get(id: Id) {
      const def = await loadDefinition(app, id)
      let parameters: ReportParameters | undefined
      try {
        parameters = reportParameters(compileReport(app.get('entities'), def))
      } catch {
        // a built-in report whose entity is not installed: it answers "not available" when run
      }
      return { ...def, ...(parameters ? { parameters } : {}) }
    },
    async create(data: unknown) {
      if (!data || typeof data !== 'object' || Array.isArray(data))
        throw new BadRequest('The body must be a report definition object')
      const { builtIn, ...rest } = data as Record<string, unknown>
      if (builtIn)
        throw new Forbidden(
          'Built-in reports are shipped by the reporting plugin; create your own with builtIn false',
        )
      checkDefinition(app, rest)
      return entityService().create({
        dimensions: [],
        measures: [],
        filters: {},
        periodGrouping: 'none',
        ...pick(rest),
        builtIn: false,
      })
    },
    async patch(id: Id, data: unknown) {
      if (!data || typeof data !== 'object' || Array.isArray(data))
        throw new BadRequest('The body must be an object of changes')
      const current = await loadDefinition(app, id)
      const changes = data as Record<string, unknown>
      if ('builtIn' in changes) throw new Forbidden('builtIn cannot be changed')
      assertDefinitionShape(changes, true)
      if (current.builtIn) {
        const locked = Object.keys(changes).find((k) => !BUILT_IN_EDITABLE.has(k))
        if (locked)
          throw new Forbidden(
            `Report "${current.code}" is built in: only its name, label and schedule can be changed (not "${locked}"); copy it under a new code to change it`,
          )
      }
      const {
        id: _id,
        createdAt: _c,
        updatedAt: _u,
        version: _v,
        ...base
      } = current as ReportDefinition & { updatedAt?: unknown; version?: unknown }
      if (!current.builtIn) checkDefinition(app, { ...base, ...changes })
      else if (changes.schedule) checkDefinition(app, { ...base, schedule: changes.schedule })
      return entityService().patch(current.id!, pick(changes))
    },
    async remove(id: Id) {
      const current = await loadDefinition(app, id)
      if (current.builtIn) throw new Forbidden(`Report "${current.code}" is built in and cannot be removed`)
      return entityService().remove(current.id!)
    },
  }
}
