import { NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import type { FinanceParams } from './context.js'
import { agingReport, type AgingFilter, type AgingReport } from './ar/aging.js'
import { customerStatement, type Statement, type StatementRange } from './ar/statement.js'
import { issueInvoice } from './invoices/actions.js'
import { invoiceOrders } from './invoices/from-orders.js'
import type { InvoiceRow, InvoiceWithLines } from './invoices/types.js'
import { nextDocumentNumber, type Series } from './numbering.js'
import { allocatePayment, type AllocationRequest, type AllocationResult } from './payments/allocate.js'

/** What `ctx.use('finance')` returns (and tests use through `financeApi(app)`). */
export interface FinanceApi {
  /** A draft invoice from delivered orders of one customer, inside `trx` (as `POST /api/invoices/from-orders`). */
  invoiceOrders(trx: Knex.Transaction, orderIds: number[], params?: FinanceParams): Promise<InvoiceWithLines>
  /** Issues a draft invoice inside `trx` (as `POST /api/invoices/:id/issue`). */
  issueInvoice(
    trx: Knex.Transaction,
    invoiceId: number,
    data?: { issueDate?: string },
    params?: FinanceParams,
  ): Promise<InvoiceRow>
  /** Allocates a payment (given amounts or `'auto'`, oldest first) inside `trx`. */
  allocatePayment(
    trx: Knex.Transaction,
    paymentId: number,
    allocations: AllocationRequest[] | 'auto',
    params?: FinanceParams,
  ): Promise<AllocationResult>
  /** Receivables per customer and partner with aging buckets, as of a date. */
  agingReport(filter: AgingFilter, db?: Knex | Knex.Transaction): Promise<AgingReport>
  /** A customer's statement with its running balance. */
  statement(customerId: number, range?: StatementRange, db?: Knex | Knex.Transaction): Promise<Statement>
  /** The next gap-free number of a series (`INV`, `CN`), locking its counter row in `trx`. */
  nextDocumentNumber(trx: Knex.Transaction, series: Series, at?: Date): Promise<string>
}

/**
 * The finance API of one app.
 * @example const inv = await financeApi(app).invoiceOrders(trx, [orderId])
 */
export function financeApi(app: PlumeApp): FinanceApi {
  const knex = () => app.get('db').knex
  return {
    invoiceOrders: (trx, orderIds, params = {}) => invoiceOrders(app, trx, orderIds, params),
    issueInvoice: (trx, invoiceId, data = {}, params = {}) => issueInvoice(app, trx, invoiceId, data, params),
    allocatePayment: (trx, paymentId, allocations, params = {}) =>
      allocatePayment(app, trx, paymentId, allocations, params),
    agingReport: (filter, db = knex()) => agingReport(db, filter),
    async statement(customerId, range = {}, db = knex()) {
      const customer = (await db('customers')
        .select('id', 'code', 'name', 'currency')
        .where('id', customerId)
        .first()) as { id: number; code: string; name: string; currency: string } | undefined
      if (!customer) throw new NotFound(`No customer with id ${customerId}`)
      return customerStatement(db, customer, range)
    },
    nextDocumentNumber,
  }
}
