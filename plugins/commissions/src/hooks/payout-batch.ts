import { money } from '@plume/core'
import { BadRequest, Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'

const trxOf = (context: HookContext): Knex.Transaction => {
  const trx = (context.params as { transaction?: Knex.Transaction }).transaction
  if (!trx) throw new Error('commissions: expected to run inside the transaction of a write')
  return trx
}

/**
 * Creating a batch gathers every open accrual of the partner (earnings and reversals net
 * out) and records the total; no open accruals → 400. A batch changes only while draft;
 * removing a draft batch gives its accruals back.
 * @example hooks: { payoutBatch: { create: [payoutBatch()], patch: [payoutBatch()], remove: [payoutBatch()] } }
 */
export const payoutBatch = () => async (context: HookContext, next: NextFunction) => {
  const trx = trxOf(context)
  if (context.method === 'create') {
    const data = context.data as Record<string, unknown>
    // one batch at a time per partner
    await trx('partners')
      .where('id', data.partnerId as number)
      .forUpdate()
      .first('id')
    await next()
    const batch = context.result as { id: number; partnerId: number }
    const n = await trx('commission_accruals')
      .where({ partnerId: batch.partnerId, status: 'open' })
      .whereNull('payoutBatchId')
      .update({
        payoutBatchId: batch.id,
        status: 'batched',
        updatedAt: trx.fn.now(),
        version: trx.raw('version + 1'),
      })
    if (Number(n) === 0)
      throw new BadRequest('No open commission accruals for this partner', {
        errors: [{ path: '/partnerId', message: 'has no open commission accruals' }],
      })
    const sum = (await trx('commission_accruals')
      .where('payoutBatchId', batch.id)
      .first(trx.raw('sum(amount)::text as total'))) as { total: string }
    const [row] = (await trx('payout_batches')
      .where('id', batch.id)
      .update({ total: money(sum.total), accruals: Number(n) })
      .returning('*')) as unknown[]
    context.result = row
    return
  }
  const batch = (await trx('payout_batches')
    .where('id', Number(context.id))
    .forUpdate()
    .first('id', 'status', 'partnerId')) as { id: number; status: string; partnerId: number } | undefined
  if (!batch) throw new NotFound(`No payoutBatch with id ${String(context.id)}`)
  if (batch.status !== 'draft')
    throw new Conflict(`Payout batch ${batch.id} is ${batch.status}: only draft batches can be changed`)
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method !== 'remove' && data.partnerId !== undefined && data.partnerId !== batch.partnerId)
    throw new BadRequest('Invalid data: a batch cannot move to another partner', {
      errors: [{ path: '/partnerId', message: 'cannot be changed' }],
    })
  if (context.method === 'remove')
    await trx('commission_accruals')
      .where('payoutBatchId', batch.id)
      .update({
        payoutBatchId: null,
        status: 'open',
        updatedAt: trx.fn.now(),
        version: trx.raw('version + 1'),
      })
  return next()
}
