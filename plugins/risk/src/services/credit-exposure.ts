import { Money, money } from '@plume/core'
import { BadRequest } from '@feathersjs/errors'
import type { Knex } from 'knex'
import {
  currentLimit,
  exposure,
  overdueInvoices,
  type CreditSubject,
  type Exposure,
  type OverdueInvoice,
} from '../exposure.js'
import { creditPolicy } from '../policy.js'
import { riskScore, type RiskScore } from '../score.js'
import { creditExposureDocs } from './docs.js'

export interface CreditStatus {
  customerId: number | null
  partnerId: number | null
  limit: string | null
  exposure: Exposure
  /** limit − exposure (negative when over), or null without a limit. */
  available: string | null
  overdue: OverdueInvoice[]
  risk: RiskScore
}

function subjectOf(query: Record<string, unknown> | undefined): CreditSubject {
  const c = query?.customerId
  const p = query?.partnerId
  const id = (v: unknown) =>
    typeof v === 'string' && /^\d{1,10}$/.test(v)
      ? Number(v)
      : typeof v === 'number' && Number.isInteger(v) && v > 0
        ? v
        : undefined
  if ((c === undefined) === (p === undefined) || (c !== undefined && !id(c)) || (p !== undefined && !id(p))) {
    throw new BadRequest('Invalid query: give exactly one of customerId or partnerId (a positive integer)', {
      errors: [{ path: '/query', message: 'needs customerId or partnerId' }],
    })
  }
  return c !== undefined ? { customerId: id(c)! } : { partnerId: id(p)! }
}

/**
 * `GET /api/credit-exposure?customerId=7` (or `?partnerId=3`): the limit in force, the exposure
 * (the same function the credit check uses), what is available, overdue invoices and the risk score.
 */
export function creditExposureService(knex: Knex) {
  return {
    docs: creditExposureDocs,
    async find(params?: { query?: Record<string, unknown> }): Promise<CreditStatus> {
      const who = subjectOf(params?.query)
      const [limit, exp, policy] = await Promise.all([
        currentLimit(knex, who),
        exposure(knex, who),
        creditPolicy(knex),
      ])
      return {
        customerId: who.customerId ?? null,
        partnerId: who.partnerId ?? null,
        limit,
        exposure: exp,
        available: limit === null ? null : money(new Money(limit).minus(exp.total)),
        overdue: await overdueInvoices(knex, who, policy.overdueDays),
        risk: await riskScore(knex, who),
      }
    },
  }
}
