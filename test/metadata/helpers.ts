/** Definitions and calls shared by the run-time metadata suites. */
import type { TestPlatform } from '@plume/core/testing'

/** The plugins the suites run with: `customer`'s (crm) and those it depends on. */
export const PLUGINS = 'inventory,partners,crm'

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })

/** A custom entity `lead` with a relation to `customer`. */
export function leadDefinition(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'object',
    'x-entity': { name: 'lead', plural: 'leads', table: 'leads', domain: 'crm' },
    properties: {
      title: { type: 'string', maxLength: 200, 'x-ui': { label: label('Title', '标题') } },
      phone: { type: ['string', 'null'], maxLength: 40, 'x-ui': { label: label('Phone', '电话') } },
      score: { type: ['string', 'null'], maxLength: 20, 'x-ui': { label: label('Score', '评分') } },
      customerId: {
        type: ['integer', 'null'],
        'x-ref': { entity: 'customer', onDelete: 'set null' },
        'x-ui': { label: label('Customer', '客户') },
      },
      ...extra,
    },
    required: ['title'],
    additionalProperties: false,
    'x-relations': { customer: { kind: 'belongsTo', entity: 'customer', field: 'customerId' } },
    'x-ui': { label: label('Lead', '线索'), titleField: 'title' },
  }
}

/** A copy of `def` with `change` applied to its properties (a `null` removes one). */
export function withProperties(
  def: Record<string, unknown>,
  change: Record<string, unknown>,
): Record<string, unknown> {
  const copy = structuredClone(def)
  const props = copy.properties as Record<string, unknown>
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete props[k]
    else props[k] = v
  }
  return copy
}

/** Preview then apply with the preview's hash (and `confirm`). */
export async function previewApply(
  p: TestPlatform,
  token: string,
  name: string,
  body: Record<string, unknown>,
  confirm?: string[],
) {
  const preview = await p.http('POST', `/api/entity-definitions/${name}/preview`, body, token)
  if (preview.status !== 201) return { preview, apply: preview }
  const apply = await p.http(
    'POST',
    `/api/entity-definitions/${name}/apply`,
    { ...body, hash: preview.body.hash, ...(confirm ? { confirm } : {}) },
    token,
  )
  return { preview, apply }
}
