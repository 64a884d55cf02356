import { afterAll, beforeAll, describe } from 'vitest'
import {
  conformanceWorld,
  entityServiceTests,
  permissionTests,
  startTestPlatform,
  type ConformanceSkips,
  type ConformanceWorld,
  type TestPlatform,
} from '@plume/core/testing'

/**
 * Every entity of the core metadata and of every built-in plugin runs the shared conformance
 * suites (STYLE.md §11), on PGlite and, with DATABASE_URL, on PostgreSQL.
 */
const p: TestPlatform = await startTestPlatform()
let world: ConformanceWorld
beforeAll(async () => {
  world = await conformanceWorld(p, OVERRIDES)
})
afterAll(() => p.close())

/** Values the schema cannot express. */
const OVERRIDES = { reportDefinition: { entity: 'customer', measures: [{ fn: 'count' }] } }

/** Fields a record owned by a partner needs besides `partnerId`. */
const OWNED: Record<string, Record<string, unknown>> = {
  user: { roles: ['partner_user'] },
  apiKey: { roles: ['partner_user'] },
}

const SYSTEM = 'written by the system; clients can only read them (405)'
/** Entities the generic cases do not apply to, and why. */
const SKIPS: ConformanceSkips = {
  stockMovement: {
    create: 'written by stock operations only (stock receipts, adjustments, transfers, order actions)',
  },
  commissionAccrual: { create: SYSTEM },
  promotionRedemption: { create: SYSTEM },
  creditHold: { create: SYSTEM },
  riskAssessment: { create: SYSTEM },
  productCost: { create: SYSTEM },
  shipmentCost: { create: SYSTEM },
  demandForecast: { create: SYSTEM },
  supplierInvoice: { remove: 'kept for the books: a supplier invoice is never deleted (405)' },
  supplierPayment: {
    create: 'made against an open invoice for no more than is owed (test/purchasing)',
    patch: 'a payment is a ledger entry: never changed (405)',
    remove: 'a payment is a ledger entry: never removed (405)',
  },
  paymentAllocation: { create: 'made with POST /api/payments/:id/allocate' },
  payoutBatch: { create: 'needs open commission accruals, which delivered orders make' },
  invoice: { remove: 'invoice numbers are gap-free: an invoice is voided, never deleted (409)' },
  ticketMessage: {
    patch: 'a message is immutable once posted (405)',
    remove: 'a message is immutable once posted (405)',
  },
}

const ownerOf = (source: string) => /plugins\/([^/]+)\//.exec(source)?.[1] ?? 'core'
for (const e of [...p.entities.values()].sort((a, b) => a.source.localeCompare(b.source))) {
  describe(`${ownerOf(e.source)} ${e.name}`, () => {
    const opts = { world: () => world, skip: SKIPS[e.name], owned: OWNED[e.name] }
    entityServiceTests(e.name, opts)
    permissionTests(e.name, opts)
  })
}
