import { Money } from '@plume/core'
import { BadRequest, Conflict } from '@feathersjs/errors'
import type { ActionDefinition } from '@plume/core'
import { reverseOrder } from './accrue.js'

type Batch = { id: number; status: string }

/** `POST /api/payout-batches/:id/approve` (draft → approved; `payout-batches:approve`). */
export const approveBatch = (): ActionDefinition => ({
  label: { en: 'Approve', 'zh-CN': '审批' },
  input: { type: 'object', properties: {}, additionalProperties: false },
  states: ['draft'],
  async handler(id, _data, { trx, params, record }) {
    // the batch as the action layer locked it: not read again
    const b = record as Batch
    if (b.status !== 'draft') throw new Conflict(`Cannot approve a payout batch in state ${b.status}`)
    const [row] = (await trx('payout_batches')
      .where('id', id)
      .update({
        status: 'approved',
        approvedById: (params.user as { id?: number } | undefined)?.id ?? null,
        approvedAt: trx.fn.now(),
        updatedAt: trx.fn.now(),
        version: trx.raw('version + 1'),
      })
      .returning('*')) as unknown[]
    return row
  },
})

/** `POST /api/payout-batches/:id/pay {reference?}` (approved → paid, its accruals paid; `payout-batches:pay`). */
export const payBatch = (): ActionDefinition => ({
  label: { en: 'Mark paid', 'zh-CN': '标记已付' },
  input: {
    type: 'object',
    properties: {
      reference: {
        type: 'string',
        maxLength: 100,
        description: 'Payment reference, e.g. the bank transfer id',
      },
    },
    additionalProperties: false,
  },
  states: ['approved'],
  async handler(id, data, { trx, record }) {
    const b = record as Batch
    if (b.status !== 'approved') throw new Conflict(`Cannot pay a payout batch in state ${b.status}`)
    const reference = data.reference
    if (reference !== undefined && (typeof reference !== 'string' || reference.length > 100))
      throw new BadRequest('Invalid data: reference must be a string of at most 100 characters', {
        errors: [{ path: '/reference', message: 'must be a string of at most 100 characters' }],
      })
    await trx('commission_accruals')
      .where('payoutBatchId', id)
      .update({ status: 'paid', updatedAt: trx.fn.now(), version: trx.raw('version + 1') })
    const [row] = (await trx('payout_batches')
      .where('id', id)
      .update({
        status: 'paid',
        paidAt: trx.fn.now(),
        ...(reference !== undefined ? { reference } : {}),
        updatedAt: trx.fn.now(),
        version: trx.raw('version + 1'),
      })
      .returning('*')) as unknown[]
    return row
  },
})

/**
 * `POST /api/orders/:id/reverse-commission {reason, share?}` (`orders:reverse-commission`): gives
 * back commission on a return handled outside finance; `share` 0–1 (default 1 = all that remains).
 */
export const reverseCommission = (): ActionDefinition => ({
  label: { en: 'Reverse commission', 'zh-CN': '冲销佣金' },
  input: {
    type: 'object',
    properties: {
      reason: { type: 'string', minLength: 1, maxLength: 500 },
      share: {
        anyOf: [
          { type: 'string', pattern: '^(0(\\.\\d{1,6})?|1(\\.0{1,6})?)$' },
          { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        ],
        description: 'Share of the remaining commission to give back, above 0 and at most 1 (default 1)',
      },
    },
    required: ['reason'],
    additionalProperties: false,
  },
  // offered only while the order has commission left to give back (a draft has none): otherwise the handler answers 409
  offered: async (record, { knex }) => {
    const row = (await knex('commission_accruals')
      .where({ orderId: record.id })
      .first(
        knex.raw(`bool_or(kind = 'accrual') as accrued`),
        knex.raw('coalesce(sum(amount), 0) > 0 as "left"'),
      )) as { accrued: boolean | null; left: boolean } | undefined
    return row?.accrued === true && row.left === true
  },
  async handler(id, data, { trx }) {
    const reason = data.reason
    if (typeof reason !== 'string' || reason.length === 0 || reason.length > 500)
      throw new BadRequest('Invalid data: reason must be a string of 1 to 500 characters', {
        errors: [{ path: '/reason', message: 'must be a string of 1 to 500 characters' }],
      })
    const raw = data.share ?? '1'
    if (
      (typeof raw !== 'string' && typeof raw !== 'number') ||
      !/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/.test(String(raw)) ||
      new Money(String(raw)).isZero()
    ) {
      throw new BadRequest('Invalid data: share must be a number above 0 and at most 1', {
        errors: [{ path: '/share', message: 'must be above 0 and at most 1' }],
      })
    }
    const row = await reverseOrder(trx, id, new Money(String(raw)), reason)
    if (!row) throw new Conflict(`Order ${id} has no commission left to reverse`)
    return row
  },
})
