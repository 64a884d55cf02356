import { fileURLToPath } from 'node:url'
import { createDemoUsers, definePlugin, setAsOfSource, type ActionDefinition } from '@plume/core'
import { idempotent } from '@plume/plugin-orders'
import { FINANCE_RULES } from './rules.js'
import { financeApi, type FinanceApi } from './api.js'
import { invoiceRowsAsOf } from './ar/open-as-of.js'
import { arService, arStatementsService } from './ar/services.js'
import {
  applyCreditNote,
  issueCreditNote,
  voidCreditNote,
  type CreditNoteRow,
} from './credit-notes/actions.js'
import { allocationsByAction } from './hooks/allocations-by-action.js'
import { guardCreditNote } from './hooks/guard-credit-note.js'
import { guardInvoice } from './hooks/guard-invoice.js'
import { guardInvoiceLines } from './hooks/guard-invoice-lines.js'
import { guardPayment } from './hooks/guard-payment.js'
import { prepareInvoice } from './hooks/prepare-invoice.js'
import { issueInvoice, voidInvoice } from './invoices/actions.js'
import type { InvoiceRow } from './invoices/types.js'
import { invoicesFromOrdersService } from './invoices/from-orders.js'
import { allocatePayment, readAllocations } from './payments/allocate.js'
import { paymentEntriesService } from './payments/entry.js'
import {
  ALLOCATE_PAYMENT_INPUT,
  APPLY_CREDIT_NOTE_INPUT,
  ISSUE_CREDIT_NOTE_INPUT,
  ISSUE_INVOICE_INPUT,
  VOID_CREDIT_NOTE_INPUT,
  VOID_INVOICE_INPUT,
} from './action-inputs.js'
import { CREDIT_NOTE_ACTIONS, INVOICE_ACTIONS } from './states.js'
import { seedInvoices } from './seed/invoices.js'

export { FINANCE_RULES } from './rules.js'
export { financeApi, type FinanceApi } from './api.js'
export type { AgingReport, AgingFilter, CustomerAging, PartnerAging, Figures, Bucket } from './ar/aging.js'
export { BUCKETS } from './ar/aging.js'
export {
  allocationsAsOf,
  appliedCreditsAsOf,
  invoiceFiguresAsOf,
  invoiceRowsAsOf,
  OPEN_ON_DATE,
  type SqlFragment,
} from './ar/open-as-of.js'
export type { Statement, StatementEntry, StatementRange } from './ar/statement.js'
export type { InvoiceRow, InvoiceLineRow, InvoiceWithLines } from './invoices/types.js'
export type { AllocationRequest, AllocationResult, PaymentRow } from './payments/allocate.js'
export type { CreditNoteRow } from './credit-notes/actions.js'
export { formatDocumentNumber, nextDocumentNumber, COUNTER_TABLE, type Series } from './numbering.js'
export { addDays, invoiceTotals, lineNet, lineTax, openAmount, settledStatus } from './money.js'
export { INVOICE_ACTIONS, CREDIT_NOTE_ACTIONS, allowedIn } from './states.js'

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })

const invoiceActions: Record<string, ActionDefinition> = {
  issue: {
    label: label('Issue', '开具'),
    input: ISSUE_INVOICE_INPUT,
    states: INVOICE_ACTIONS.issue,
    handler: (id, data, { app, trx, params, record }) =>
      issueInvoice(app, trx, id, data, params, record as InvoiceRow),
  },
  void: {
    label: label('Void', '作废'),
    input: VOID_INVOICE_INPUT,
    states: INVOICE_ACTIONS.void,
    handler: (id, data, { app, trx, params, record }) =>
      voidInvoice(app, trx, id, data, params, record as InvoiceRow),
  },
}

const paymentActions: Record<string, ActionDefinition> = {
  allocate: {
    label: label('Allocate', '核销'),
    input: ALLOCATE_PAYMENT_INPUT,
    // a retried allocation with the same Idempotency-Key replays the first answer instead of allocating twice
    handler: async (id, data, { app, trx, params }) =>
      (
        await idempotent({ trx, params, route: `POST /api/payments/${id}/allocate`, body: data }, () =>
          allocatePayment(app, trx, id, readAllocations(data), params),
        )
      ).result,
  },
}

const creditNoteActions: Record<string, ActionDefinition> = {
  issue: {
    label: label('Issue', '开具'),
    input: ISSUE_CREDIT_NOTE_INPUT,
    states: CREDIT_NOTE_ACTIONS.issue,
    handler: (id, data, { app, trx, params, record }) =>
      issueCreditNote(app, trx, id, data, params, record as CreditNoteRow),
  },
  apply: {
    label: label('Apply', '冲抵'),
    input: APPLY_CREDIT_NOTE_INPUT,
    states: CREDIT_NOTE_ACTIONS.apply,
    handler: (id, data, { app, trx, params, record }) =>
      applyCreditNote(app, trx, id, data, params, record as CreditNoteRow),
  },
  void: {
    label: label('Void', '作废'),
    input: VOID_CREDIT_NOTE_INPUT,
    states: CREDIT_NOTE_ACTIONS.void,
    handler: (id, data, { app, trx, params, record }) =>
      voidCreditNote(app, trx, id, data, params, record as CreditNoteRow),
  },
}

const lineHooks = [guardInvoiceLines()]
const paymentHooks = [guardPayment()]
const allocationHooks = [allocationsByAction()]
const creditNoteHooks = [guardCreditNote()]

/**
 * Finance: invoices from delivered orders (locked prices, per-line tax, gap-free numbers),
 * payments and their allocation, credit notes, and accounts receivable (aging, statements).
 * See docs/finance.md.
 */
export default definePlugin<FinanceApi>({
  name: 'finance',
  version: '1.0.0',
  description: {
    en: 'Invoices, payments, credit notes and receivables',
    'zh-CN': '发票、收款、红字发票与应收账款',
  },
  dependsOn: ['orders'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  hooks: {
    invoice: {
      create: [prepareInvoice()],
      update: [guardInvoice()],
      patch: [guardInvoice()],
      remove: [guardInvoice()],
    },
    invoiceLine: { create: lineHooks, update: lineHooks, patch: lineHooks, remove: lineHooks },
    payment: { create: paymentHooks, update: paymentHooks, patch: paymentHooks, remove: paymentHooks },
    paymentAllocation: {
      create: allocationHooks,
      update: allocationHooks,
      patch: allocationHooks,
      remove: allocationHooks,
    },
    creditNote: {
      create: creditNoteHooks,
      update: creditNoteHooks,
      patch: creditNoteHooks,
      remove: creditNoteHooks,
    },
  },
  actions: { invoice: invoiceActions, payment: paymentActions, creditNote: creditNoteActions },
  services: {
    'api/invoices/from-orders': (ctx) => invoicesFromOrdersService(ctx.app),
    'api/payment-entries': (ctx) => paymentEntriesService(ctx.app),
    'api/ar': (ctx) => arService(ctx.knex),
    'api/ar-statements': (ctx) => arStatementsService(ctx.knex),
  },
  rules: FINANCE_RULES,
  setup(ctx) {
    // reports (and any reader "as of a date") read invoices with their status and amounts on that date
    setAsOfSource(ctx.app, 'invoice', invoiceRowsAsOf)
    return financeApi(ctx.app)
  },
  disable(ctx) {
    setAsOfSource(ctx.app, 'invoice', undefined)
    return Promise.resolve()
  },
  async seed(ctx) {
    const started = performance.now()
    const n = await ctx.knex.transaction((trx) => seedInvoices(trx))
    await createDemoUsers(ctx.app, [
      { email: 'finance@demo.plume.local', name: 'Finance clerk', roles: ['finance'] },
    ])
    ctx.logger.info(
      `finance demo data (${n.invoices} invoices, ${n.payments} payments, ${n.creditNotes} credit notes) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
