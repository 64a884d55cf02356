import { isPlumeError } from '../errors.js'
import { PlumeWidget } from './base.js'
import { h } from './dom.js'

interface Aggregate {
  rows: Array<Record<string, unknown>>
}

const FIGURES = ['orders', 'sales', 'open-invoices', 'commissions'] as const
type Figure = (typeof FIGURES)[number]

/**
 * `<plume-partner-dashboard session-url="…">`: the partner's own figures — orders, sales, open
 * invoices, commissions — as the permission rules let its users see them (a figure they may
 * not read shows "—"). `figures="orders,sales"` picks which (default: all four); read again
 * after a `plume:order-submitted` on the page. Needs a partner-wide session with
 * `dashboard:read`. Parts: `kpi`.
 */
export class PlumePartnerDashboard extends PlumeWidget {
  static override observedAttributes = [...PlumeWidget.observedAttributes, 'figures']
  protected override pageEvents() {
    return { 'plume:order-submitted': () => void this.refresh() }
  }

  private async figure(
    entity: string,
    measure: string,
    filters?: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const query: Record<string, unknown> = {
        entity,
        measure,
        ...(filters ? { filters: JSON.stringify(filters) } : {}),
      }
      const r = await this.connection.request<Aggregate>(
        { method: 'GET', path: 'api/aggregates', query },
        'session',
      )
      return r.rows[0] ?? {}
    } catch (err) {
      if (isPlumeError(err) && (err.code === 403 || err.code === 404)) return undefined
      throw err
    }
  }

  protected async load(current: () => boolean): Promise<void> {
    const t = this.t
    const asked = (this.getAttribute('figures') ?? FIGURES.join(',')).split(',').map((s) => s.trim())
    const shown = FIGURES.filter((f) => asked.includes(f))
    const want = (...f: Figure[]) => f.some((x) => shown.includes(x))
    const [orders, invoices, commissions] = await Promise.all([
      want('orders', 'sales')
        ? this.figure('order', 'count,sum:total', { status: { $ne: 'cancelled' } })
        : undefined,
      want('open-invoices')
        ? this.figure('invoice', 'count', { status: { $in: ['issued', 'partially_paid'] } })
        : undefined,
      want('commissions') ? this.figure('commissionAccrual', 'sum:amount') : undefined,
    ])
    if (!current()) return
    const values: Record<Figure, [string, unknown]> = {
      orders: [t.orders, orders?.count],
      sales: [t.sales, orders ? (orders.sumTotal ?? '0.00') : undefined],
      'open-invoices': [t.openInvoices, invoices?.count],
      commissions: [t.commissions, commissions ? (commissions.sumAmount ?? '0.00') : undefined],
    }
    const kpi = (name: Figure) => {
      const [label, value] = values[name]
      return h(
        'div',
        { class: 'kpi', part: 'kpi', 'data-kpi': name },
        h('span', { class: 'muted' }, label),
        h('b', {}, value === undefined || value === null ? '—' : String(value)),
      )
    }
    this.show(h('div', { class: 'kpis' }, ...shown.map(kpi)))
  }
}
