import { PlumeWidget } from './base.js'
import { h } from './dom.js'
import { minus } from './money.js'

interface Invoice {
  id: number
  number: string
  status: string
  issueDate: string | null
  dueDate: string | null
  currency: string
  total: string
  amountPaid: string
  creditTotal: string
}
interface Page {
  total: number
  limit: number
  skip: number
  data: Invoice[]
}

const OPEN = ['issued', 'partially_paid']
const SELECT = [
  'id',
  'number',
  'status',
  'issueDate',
  'dueDate',
  'currency',
  'total',
  'amountPaid',
  'creditTotal',
]

/**
 * `<plume-invoices session-url="…">`: the partner's invoices — or, for a session bound to one
 * customer, that customer's — with status, dates, total and balance due (exact decimals), newest
 * due first, a page at a time. Drafts are never shown. Attributes: `status="open"` (issued and
 * partially paid only; default: all issued ones), `page-size` (default 10, at most 100). Needs
 * `invoices:read`. Events: `plume:page` ({ skip, total }). Parts: `table`, `row`, `status`,
 * `balance`, `pager`, `prev-button`, `next-button`.
 */
export class PlumeInvoices extends PlumeWidget {
  static override observedAttributes = [...PlumeWidget.observedAttributes, 'status', 'page-size']
  private skip = 0

  override attributeChangedCallback(): void {
    this.skip = 0
    super.attributeChangedCallback()
  }

  private go(skip: number, total: number): void {
    this.skip = skip
    this.emit('plume:page', { skip, total })
    void this.refresh()
  }

  protected async load(current: () => boolean): Promise<void> {
    const t = this.t
    const size = Math.min(Math.max(Math.floor(Number(this.getAttribute('page-size') ?? 10)) || 10, 1), 100)
    const status = this.getAttribute('status') === 'open' ? { $in: OPEN } : { $ne: 'draft' }
    const page = await this.connection.request<Page>(
      {
        method: 'GET',
        path: 'api/invoices',
        query: { status, $select: SELECT, $sort: { dueDate: -1, id: -1 }, $limit: size, $skip: this.skip },
      },
      'session',
    )
    if (!current()) return
    if (!page.total) return this.show(h('p', { class: 'muted' }, t.noInvoices))
    const rows = page.data.map((i) =>
      h(
        'tr',
        { part: 'row', 'data-invoice': i.number },
        h('td', {}, i.number),
        h('td', { part: 'status', 'data-status': i.status }, t.invoiceStatuses[i.status] ?? i.status),
        h('td', {}, i.issueDate ?? '—'),
        h('td', {}, i.dueDate ?? '—'),
        h('td', { class: 'num' }, `${i.currency} ${i.total}`),
        h(
          'td',
          { class: 'num', part: 'balance' },
          `${i.currency} ${minus(i.total, i.amountPaid, i.creditTotal)}`,
        ),
      ),
    )
    const prev = h('button', { type: 'button', part: 'prev-button', disabled: page.skip <= 0 }, t.previous)
    prev.addEventListener('click', () => this.go(Math.max(0, page.skip - size), page.total))
    const next = h(
      'button',
      { type: 'button', part: 'next-button', disabled: page.skip + size >= page.total },
      t.next,
    )
    next.addEventListener('click', () => this.go(page.skip + size, page.total))
    this.show(
      h(
        'table',
        { part: 'table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, t.invoice),
            h('th', {}, t.status),
            h('th', {}, t.issueDate),
            h('th', {}, t.dueDate),
            h('th', { class: 'num' }, t.total),
            h('th', { class: 'num' }, t.balance),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
      h(
        'div',
        { class: 'row', part: 'pager' },
        prev,
        h('span', { class: 'muted' }, t.pageOf(page.skip + 1, page.skip + page.data.length, page.total)),
        next,
      ),
    )
  }
}
