import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import { objectSchema, type PlumeApp, type PluginContext, type ServiceDocs } from '@plume/core'
import type { ReportDefinition, ReportResult } from '../definition/types.js'
import { runReport } from '../run.js'
import { checkDefinition } from './definitions-service.js'

const PREVIEW_ROWS = 200

const docs: ServiceDocs = {
  tag: 'Reporting',
  description:
    "Runs a report definition that is not saved (the report designer's live preview), with the caller's permissions: rows they may not see are not counted.",
  operations: {
    create: {
      summary: 'Preview an unsaved report definition',
      body: objectSchema(
        {
          definition: { $ref: '#/components/schemas/ReportDefinition' },
          params: {
            type: 'object',
            description: 'Run parameters: from, to, asOf, period, days, filters, limit',
          },
        },
        ['definition'],
      ),
      result: { type: 'object', description: 'A report result (at most 200 rows)' },
    },
  },
}

/**
 * `POST /api/report-preview { definition, params? }`: checks the definition as a save would
 * (400 naming the problem) and runs it for the caller — the same permissions as a saved report's
 * run — returning at most 200 rows. Nothing is stored.
 */
export function reportPreviewService(ctx: PluginContext) {
  const app: PlumeApp = ctx.app
  return {
    docs,
    async create(data: unknown, params: Params): Promise<ReportResult> {
      if (!data || typeof data !== 'object' || Array.isArray(data))
        throw new BadRequest('The body must be { definition, params }')
      const { definition, params: run, ...extra } = data as Record<string, unknown>
      const unknown = Object.keys(extra)[0]
      if (unknown)
        throw new BadRequest(`"${unknown.slice(0, 40)}" is not part of a preview (definition, params)`, {
          errors: [{ path: `/${unknown.slice(0, 40)}`, message: 'is not known' }],
        })
      if (!definition || typeof definition !== 'object' || Array.isArray(definition))
        throw new BadRequest('definition must be a report definition object', {
          errors: [{ path: '/definition', message: 'must be an object' }],
        })
      if (run !== undefined && (!run || typeof run !== 'object' || Array.isArray(run)))
        throw new BadRequest('params must be an object of run parameters', {
          errors: [{ path: '/params', message: 'must be an object' }],
        })
      const { builtIn: _b, id: _i, ...rest } = definition as Record<string, unknown>
      const def: ReportDefinition = checkDefinition(app, { code: 'preview', name: 'Preview', ...rest })
      const values = { ...(run as Record<string, unknown> | undefined) }
      const limit = Number(values.limit ?? PREVIEW_ROWS)
      values.limit = Number.isInteger(limit) && limit > 0 ? Math.min(limit, PREVIEW_ROWS) : values.limit
      return runReport(app, def, values, params as { provider?: string; user?: unknown })
    },
    async setup(a: PlumeApp, path: string) {
      // a preview answers 200 like a run, not 201: nothing is created
      a.service(path).hooks({
        after: {
          create: [
            (context: { http?: Record<string, unknown> }) => {
              context.http = { ...context.http, status: 200 }
            },
          ],
        },
      })
    },
  }
}
