import { NotFound } from '@feathersjs/errors'
import type { Id } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { callerPartner, type FinanceParams } from '../context.js'
import { agingReport, type AgingReport } from './aging.js'
import { asOfOf, readQuery } from './query.js'
import { customerStatement, type Statement } from './statement.js'
import { arDocs, arStatementsDocs } from './docs.js'

/**
 * `GET /api/ar?asOf=2026-11-25&customerId=&partnerId=&currency=`: the receivables report.
 * Partner users see only their own partner's customers.
 * @example const report = await app.service('api/ar').find({ query: { asOf: '2026-11-25' } })
 */
export function arService(knex: Knex) {
  return {
    docs: arDocs,
    async find(params?: FinanceParams): Promise<AgingReport> {
      const q = readQuery(params?.query, {
        asOf: 'date',
        customerId: 'id',
        partnerId: 'id',
        currency: 'currency',
      })
      const partnerId = callerPartner(params) ?? (q.partnerId as number | undefined)
      return agingReport(knex, {
        asOf: asOfOf(q),
        customerId: q.customerId as number | undefined,
        partnerId,
        currency: q.currency as string | undefined,
      })
    },
  }
}

/**
 * `GET /api/ar-statements/:customerId?from=&to=&currency=`: one customer's statement with its
 * running balance. Partner users only for their own partner's customers (404 otherwise).
 * @example const s = await app.service('api/ar-statements').get(4, { query: { to: '2026-11-25' } })
 */
export function arStatementsService(knex: Knex) {
  return {
    docs: arStatementsDocs,
    async get(id: Id, params?: FinanceParams): Promise<Statement> {
      const q = readQuery(params?.query, { from: 'date', to: 'date', currency: 'currency' })
      const customerId = Number(id)
      if (!/^\d{1,10}$/.test(String(id))) throw new NotFound(`No customer with id ${String(id).slice(0, 40)}`)
      const customer = (await knex('customers')
        .select('id', 'code', 'name', 'currency', 'partnerId')
        .where('id', customerId)
        .first()) as
        { id: number; code: string; name: string; currency: string; partnerId: number | null } | undefined
      const partnerId = callerPartner(params)
      if (!customer || (partnerId && customer.partnerId !== partnerId))
        throw new NotFound(`No customer with id ${customerId}`)
      return customerStatement(knex, customer, {
        from: q.from as string | undefined,
        to: q.to as string | undefined,
        currency: q.currency as string | undefined,
      })
    },
  }
}
