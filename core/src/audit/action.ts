import type { Params } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { maskSecrets, SECRET } from './mask.js'
import { auditScope, requestInfo } from './record.js'
import { auditState } from './state.js'

export interface AuditedAction {
  trx: Knex.Transaction
  entity: EntityDefinition
  action: string
  recordId: number
  data: Record<string, unknown>
  params: Params
}

/**
 * Runs a custom action's handler and records it in the audit trail, in the action's
 * transaction: one row for the action (its input, sensitive values masked), followed by the rows
 * of the writes the handler made through services; all appended just before the commit.
 * @example const result = await auditedAction(app, { trx, entity, action: 'submit', recordId: id, data, params }, () => def.handler(id, data, ctx))
 */
export async function auditedAction<T>(app: PlumeApp, a: AuditedAction, run: () => Promise<T>): Promise<T> {
  const { masker } = auditState(app)
  const input: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(maskSecrets(a.data))) {
    const f = a.entity.fields[k]
    input[k] = f?.writeOnly ? SECRET : f?.sensitive ? masker.mark(v) : v
  }
  return auditScope(a.trx, requestInfo(a.params), run, () => ({
    action: a.action,
    entity: a.entity.name,
    recordId: a.recordId,
    changes: Object.keys(input).length ? { input } : null,
    params: a.params,
  }))
}
