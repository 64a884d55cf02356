import type { EntityDefinition } from '@plume/metadata'
import type { ReportPlan } from './compile.js'

/** Entities a report can be narrowed to when its base entity refers to them (a runner's pickers). */
const FACETS = [
  'partner',
  'customer',
  'warehouse',
  'territory',
  'product',
  'productCategory',
  'campaign',
  'supplier',
]

/** What a runner asks for before running a report: derived from its definition, never stored. */
export interface ReportParameters {
  /** `from` / `to` apply to this date field of the base entity. */
  dateField?: string
  /** The report groups by period: `period` may change it (or `none`). */
  period?: string
  /** `asOf` matters (aging buckets, "without … within N days"). */
  asOf: boolean
  /** The `within` window of `$without`, in days (the `days` parameter). */
  days?: number
  /** Fields of the base entity a run may be filtered by (`filters: { <field>: id }`), with the entity they refer to. */
  filters: Array<{ field: string; entity: string }>
}

/**
 * The parameters a compiled report takes.
 * @example reportParameters(compileReport(entities, salesByPeriod)) // { dateField: 'orderDate', period: 'month', asOf: false, filters: [{ field: 'partnerId', entity: 'partner' }, …] }
 */
export function reportParameters(plan: ReportPlan): ReportParameters {
  const periodDim = plan.dimensions.find((d) => d.period)
  const aging = plan.dimensions.some((d) => d.bucket === 'aging')
  const within = plan.without?.within
  return {
    ...(plan.dateField ? { dateField: plan.dateField } : {}),
    ...(periodDim?.period ? { period: periodDim.period } : {}),
    asOf: aging || within !== undefined,
    ...(within ? { days: within.days } : {}),
    filters: facetFields(plan.entity),
  }
}

function facetFields(entity: EntityDefinition): Array<{ field: string; entity: string }> {
  const out: Array<{ field: string; entity: string }> = []
  for (const [name, f] of Object.entries(entity.fields)) {
    const target = f.ref?.entity
    if (target && FACETS.includes(target)) out.push({ field: name, entity: target })
  }
  return out.sort((a, b) => FACETS.indexOf(a.entity) - FACETS.indexOf(b.entity))
}
