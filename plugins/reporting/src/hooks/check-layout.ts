import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { trxOf, type PlumeApp } from '@plume/core'
import { DEFINITIONS_TABLE } from '../run.js'

interface LayoutCard {
  kind: 'card' | 'report'
  ref: string
}

/** The ids of the dashboard cards `api/meta` lists: the app's, then the enabled plugins'. */
function cardIds(app: PlumeApp): Set<string> {
  const host = app.get('plugins')
  const fromPlugins = (host?.plugins ?? [])
    .filter((p) => host?.isEnabled(p.name))
    .flatMap((p) => p.admin?.cards ?? [])
  return new Set([...(app.get('dashboardCards') ?? []), ...fromPlugins].map((c) => String(c.id)))
}

/**
 * A dashboard layout names cards that exist: a `card` one of the dashboard cards `api/meta` lists,
 * a `report` the code of a stored report (400 naming `/cards/<i>/ref` otherwise). The entity schema
 * has checked the shape.
 * @example hooks: { dashboardLayout: { create: [checkDashboardLayout()], patch: [checkDashboardLayout()] } }
 */
export const checkDashboardLayout = () => async (context: HookContext, next: NextFunction) => {
  const app = context.app as PlumeApp
  const cards = (context.data as { cards?: unknown } | undefined)?.cards
  if (!Array.isArray(cards)) return next()
  const list = cards as LayoutCard[]
  const codes = list.filter((c) => c?.kind === 'report').map((c) => String(c.ref))
  const known = new Set(
    codes.length
      ? (
          (await trxOf(
            context,
            'dashboard layout',
          )(DEFINITIONS_TABLE)
            .whereIn('code', codes)
            .select('code')) as Array<{
            code: string
          }>
        ).map((r) => r.code)
      : [],
  )
  const ids = cardIds(app)
  const errors = list.flatMap((c, i) =>
    c?.kind === 'report' && !known.has(String(c.ref))
      ? [{ path: `/cards/${i}/ref`, message: `no report "${String(c.ref).slice(0, 40)}"` }]
      : c?.kind === 'card' && !ids.has(String(c.ref))
        ? [{ path: `/cards/${i}/ref`, message: `no dashboard card "${String(c.ref).slice(0, 40)}"` }]
        : [],
  )
  if (errors.length)
    throw new BadRequest(`Invalid dashboard layout: ${errors[0]!.path} ${errors[0]!.message}`, { errors })
  return next()
}
