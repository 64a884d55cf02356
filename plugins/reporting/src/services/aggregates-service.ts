import type { Params } from '@feathersjs/feathers'
import { objectSchema, type PlumeApp, type PluginContext, type ServiceDocs } from '@plume/core'
import { aggregate } from '../aggregate.js'

const docs: ServiceDocs = {
  tag: 'Reporting',
  description:
    "Figures of one entity (count, sums …) grouped by a field and/or a period, computed in the database with the caller's permissions: what dashboard cards read instead of downloading records.",
  operations: {
    find: {
      summary: 'Aggregate an entity',
      query: objectSchema(
        {
          entity: { type: 'string', description: 'Entity name, e.g. order' },
          measure: {
            type: 'string',
            description:
              'Comma list: count, sum|avg|min|max|countDistinct:<field>, or sum:<field>-<field> (key sumTotalMinusTaxTotal). Default count',
          },
          groupBy: { type: 'string', description: 'A field or relation path to group by' },
          period: { type: 'string', description: 'none, day, week, month, quarter or year (with dateField)' },
          dateField: { type: 'string', description: 'The date field period buckets (and from/to) use' },
          from: { type: 'string', format: 'date' },
          to: { type: 'string', format: 'date' },
          filters: {
            type: 'string',
            description: 'A query object as JSON, e.g. {"status":{"$in":["submitted"]}}',
          },
          sort: { type: 'string', description: 'A measure or dimension key, - for descending' },
          limit: { type: 'integer', minimum: 1 },
        },
        ['entity'],
      ),
      result: {
        type: 'object',
        properties: {
          columns: { type: 'array', items: { type: 'object' } },
          rows: { type: 'array', items: { type: 'object' } },
          truncated: { type: 'boolean' },
          params: { type: 'object' },
        },
      },
    },
  },
}

/** `GET /api/aggregates?entity=order&measure=sum:total&groupBy=status`: see docs/reporting.md "Aggregates". */
export function aggregatesService(ctx: PluginContext) {
  const app: PlumeApp = ctx.app
  return {
    docs,
    async find(params: Params) {
      return aggregate(app, { ...(params.query ?? {}) }, params as { provider?: string; user?: unknown })
    },
  }
}
