import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { PlumeApp } from '@plume/core'
import { compileReport } from '../definition/compile.js'
import type { ReportDefinition } from '../definition/types.js'
import { BUILT_IN_EDITABLE, DEFINITIONS_PATH } from '../services/definitions-service.js'

/**
 * Semantic check of report definitions written through `/api/report-definitions` (the entity
 * schema has checked the shape): unknown fields, relations, periods → 400 naming them. Built-in
 * reports keep their query: only name and schedule change, and they cannot be removed by clients.
 * @example hooks: { reportDefinition: { create: [checkReportDefinition()], patch: [checkReportDefinition()] } }
 */
export const checkReportDefinition = () => async (context: HookContext, next: NextFunction) => {
  const app = context.app as PlumeApp
  const params = context.params as { provider?: string; transaction?: unknown }
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method === 'create') {
    // built-ins are written by the plugin itself (internal calls); one whose entity is not
    // installed is stored anyway and answers "not available" when run
    if (!(data.builtIn && !params.provider))
      compileReport(app.get('entities'), data as unknown as ReportDefinition)
    return next()
  }
  const current = (await app
    .service(DEFINITIONS_PATH)
    .get(context.id as number, { transaction: params.transaction })) as ReportDefinition
  if (current.builtIn && params.provider) {
    if (context.method === 'remove')
      throw new Forbidden(`Report "${current.code}" is built in and cannot be removed`)
    const locked = Object.keys(data).find((k) => !BUILT_IN_EDITABLE.has(k))
    if (locked)
      throw new Forbidden(
        `Report "${current.code}" is built in: only its name and schedule can be changed (not "${locked}")`,
      )
  }
  if (context.method === 'update' || context.method === 'patch') {
    const merged = { ...current, ...data } as ReportDefinition
    if (!(merged.builtIn && !params.provider)) {
      if (typeof merged.code !== 'string')
        throw new BadRequest('Invalid report definition: /code is required')
      if (!current.builtIn || data.schedule !== undefined) compileReport(app.get('entities'), merged)
    }
  }
  return next()
}
