import { BadRequest, Forbidden, NotFound } from '@feathersjs/errors'
import type { HookContext, Id, NextFunction, Params } from '@feathersjs/feathers'
import { clientSafeErrors } from '../app/hooks.js'
import { requireAuth } from '../auth/setup.js'
import { recordAuditEvent } from '../audit/record.js'
import { servicePath } from '../kernel/paths.js'
import type { PlumeApp } from '../kernel/types.js'
import { CUSTOMER_ERASURE, CUSTOMER_FIELDS, TAX_FIELDS } from './policy.js'
import { customerPrivacyDocs } from './docs.js'

export const PRIVACY_PATH = 'api/privacy/customers'

type Row = Record<string, unknown>

/** Everything held about one customer: their record and every record referring to them or their contacts. */
export interface PersonalDataExport {
  customerId: number
  exportedAt: string
  /** Entity name → records, as the entity services answer them (encrypted fields in clear). */
  records: Record<string, Row[]>
}

export interface ErasureReport {
  customerId: number
  erasedAt: string
  /** Customer fields overwritten (pseudonymised or emptied). */
  fields: string[]
  /** Fields kept because tax law requires them (the customer has invoices). */
  kept: string[]
  /** Entity name → rows deleted. */
  removed: Record<string, number>
  /** Entity name → rows whose personal fields were emptied. */
  cleared: Record<string, number>
}

function customerId(id: Id | null): number {
  const n = Number(id)
  if (!Number.isInteger(n) || n < 1)
    throw new BadRequest('id must be a customer id (a positive integer)', {
      errors: [{ path: '/id', message: 'must be a positive integer' }],
    })
  return n
}

/**
 * `GET /api/privacy/customers/:id` exports what Plume holds about a customer (JSON);
 * `DELETE /api/privacy/customers/:id` erases their personal data (CUSTOMER_ERASURE) in one
 * transaction with one audit record `privacy.erase` that names fields and counts, never values.
 */
export class CustomerPrivacyService {
  constructor(private readonly app: PlumeApp) {}

  async get(id: Id): Promise<PersonalDataExport> {
    const cid = customerId(id)
    const records: Record<string, Row[]> = { customer: [await this.customer(cid)] }
    const contactIds = (await this.referring('contact', 'customerId', [cid])).map((r) => r.id)
    for (const entity of this.app.get('entities').values()) {
      const seen = new Map<unknown, Row>()
      for (const [field, def] of Object.entries(entity.fields)) {
        const target = def.ref?.entity
        const ids = target === 'customer' ? [cid] : target === 'contact' ? contactIds : []
        if (ids.length === 0 || entity.name === 'customer') continue
        for (const r of await this.referring(entity.name, field, ids)) seen.set(r.id, r)
      }
      if (seen.size > 0) records[entity.name] = [...seen.values()]
    }
    return { customerId: cid, exportedAt: new Date().toISOString(), records }
  }

  async remove(id: Id | null, params: Params = {}): Promise<ErasureReport> {
    const cid = customerId(id)
    await this.customer(cid)
    const entities = this.app.get('entities')
    const customer = entities.get('customer')!
    const knex = this.app.get('db').knex
    return knex.transaction(async (trx) => {
      const report: ErasureReport = {
        customerId: cid,
        erasedAt: new Date().toISOString(),
        fields: [],
        kept: [],
        removed: {},
        cleared: {},
      }
      for (const [name, rule] of Object.entries(CUSTOMER_ERASURE)) {
        const e = entities.get(name)
        if (!e || !e.fields[rule.via]) continue
        const rows = trx(e.table).where(rule.via, cid)
        if (rule.remove) report.removed[name] = (await rows.delete().returning('id')).length
        else {
          const set = Object.fromEntries(
            Object.entries(rule.set ?? {})
              .filter(([f]) => e.fields[f])
              .map(([f, v]) => [f, v(cid)]),
          )
          if (Object.keys(set).length > 0)
            report.cleared[name] = (await rows.update(set).returning('id')).length
        }
      }
      const invoices = entities.get('invoice')
      const hasInvoices = invoices
        ? !!(await trx(invoices.table).where('customerId', cid).first('id'))
        : false
      const set: Row = {}
      for (const [f, v] of Object.entries(CUSTOMER_FIELDS)) if (customer.fields[f]) set[f] = v(cid)
      for (const f of TAX_FIELDS) {
        if (!customer.fields[f]) continue
        if (hasInvoices) report.kept.push(f)
        else set[f] = null
      }
      report.fields = Object.keys(set)
      await trx(customer.table).where('id', cid).update(set)
      await recordAuditEvent(
        this.app,
        { action: 'privacy.erase', entity: 'customer', recordId: cid, params, details: { ...report } },
        trx,
      )
      return report
    })
  }

  private async customer(id: number): Promise<Row> {
    const entity = this.app.get('entities').get('customer')
    if (!entity) throw new NotFound('Customers are not enabled in this deployment')
    try {
      return (await this.app.service(servicePath(entity)).get(id)) as Row
    } catch (err) {
      if ((err as { code?: number }).code === 404) throw new NotFound(`No customer with id ${id}`)
      throw err
    }
  }

  private async referring(entityName: string, field: string, ids: unknown[]): Promise<Row[]> {
    const entity = this.app.get('entities').get(entityName)
    if (!entity || ids.length === 0) return []
    const res = (await this.app
      .service(servicePath(entity))
      .find({ query: { [field]: { $in: ids } }, paginate: false })) as Row[] | { data: Row[] }
    return Array.isArray(res) ? res : res.data
  }
}

/** Only admins export or erase personal data (internal calls pass). */
const adminsOnly = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) {
    const roles = (context.params.user as { roles?: unknown } | undefined)?.roles
    if (!Array.isArray(roles) || !roles.includes('admin'))
      throw new Forbidden('Only admins may export or erase personal data')
  }
  return next()
}

/** Mounts `api/privacy/customers` (get → export, remove → erasure), admins only. */
export function mountPrivacy(app: PlumeApp): void {
  app.use(PRIVACY_PATH, Object.assign(new CustomerPrivacyService(app), { docs: customerPrivacyDocs }), {
    methods: ['get', 'remove'],
    events: [],
  })
  app.service(PRIVACY_PATH).hooks({ around: { all: [clientSafeErrors(), requireAuth(), adminsOnly()] } })
}
