import type { Knex } from 'knex'

export interface CreditPolicy {
  overdueDays: number
  checkLimits: boolean
}

/** Without a policy row: limits checked, hold past 30 days overdue. */
export const DEFAULT_POLICY: CreditPolicy = { overdueDays: 30, checkLimits: true }

/** The newest active `credit_policies` row, or the defaults. */
export async function creditPolicy(trx: Knex | Knex.Transaction): Promise<CreditPolicy> {
  const row = (await trx('credit_policies')
    .where('active', true)
    .orderBy('id', 'desc')
    .first('overdueDays', 'checkLimits')) as CreditPolicy | undefined
  return row ?? DEFAULT_POLICY
}
