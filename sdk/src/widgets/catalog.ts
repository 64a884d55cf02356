import { PlumeWidget } from './base.js'
import { h } from './dom.js'

interface Product {
  id: number
  sku: string
  name: string
  unit?: string
}
interface QuoteLine {
  productId: number
  unitPrice: string
  available: number
}
interface Quote {
  currency: string
  lines: QuoteLine[]
}

/** What `plume:add-to-order` carries (an order form on the page listens for it). */
export interface AddToOrderDetail {
  productId: number
  sku: string
  name: string
  unitPrice: string
  currency: string
}

/**
 * `<plume-catalog publishable-key="pk_…">`: the partner's catalog with its own prices (the
 * pricing pipeline, through a quote that writes nothing) and availability, searchable.
 * Attributes: `search`, `limit` (default 50). Events: `plume:add-to-order`.
 * Parts: `search`, `table`, `row`, `price`, `availability`, `add-button`.
 */
export class PlumeCatalog extends PlumeWidget {
  static override observedAttributes = [...PlumeWidget.observedAttributes, 'search', 'limit']

  protected async load(current: () => boolean): Promise<void> {
    const t = this.t
    const conn = this.connection
    const search = this.getAttribute('search') ?? ''
    const input = h('input', {
      type: 'search',
      part: 'search',
      placeholder: t.search,
      'aria-label': t.search,
      value: search,
    })
    input.addEventListener('change', () => this.setAttribute('search', input.value))
    const head = h('div', { class: 'row' }, input)
    if (!this.root.childNodes.length) this.show(head, h('p', { class: 'muted' }, t.loading))
    const limit = Math.min(Math.max(Number(this.getAttribute('limit') ?? 50) || 50, 1), 200)
    const query: Record<string, unknown> = {
      active: true,
      $select: ['id', 'sku', 'name', 'unit'],
      $sort: { name: 1 },
      $limit: limit,
    }
    if (search.trim()) query.name = { $ilike: `%${search.trim().replace(/[%_\\]/g, (c) => `\\${c}`)}%` }
    const page = await conn.request<{ data: Product[] }>(
      { method: 'GET', path: 'api/products', query },
      'key',
    )
    const quote = page.data.length
      ? await conn.request<Quote>(
          {
            method: 'POST',
            path: 'api/order-quotes',
            body: { lines: page.data.map((p) => ({ productId: p.id, quantity: 1 })) },
          },
          'key',
        )
      : undefined
    if (!current()) return
    const prices = new Map(quote?.lines.map((l) => [l.productId, l]) ?? [])
    const rows = page.data.map((p) => {
      const line = prices.get(p.id)
      const available = line?.available ?? 0
      const add = h(
        'button',
        { part: 'add-button', type: 'button', disabled: !line || available <= 0 },
        t.add,
      )
      add.addEventListener(
        'click',
        () =>
          line &&
          quote &&
          this.emit('plume:add-to-order', {
            productId: p.id,
            sku: p.sku,
            name: p.name,
            unitPrice: line.unitPrice,
            currency: quote.currency,
          } satisfies AddToOrderDetail),
      )
      return h(
        'tr',
        { part: 'row', 'data-sku': p.sku },
        h('td', {}, p.name, h('div', { class: 'muted' }, p.sku)),
        h('td', { class: 'num', part: 'price' }, line ? `${quote!.currency} ${line.unitPrice}` : '—'),
        h(
          'td',
          { class: 'num', part: 'availability' },
          available > 0
            ? h('span', { class: 'ok' }, t.inStock(available))
            : h('span', { class: 'muted' }, t.outOfStock),
        ),
        h('td', { class: 'num' }, add),
      )
    })
    const table = h(
      'table',
      { part: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t.product),
          h('th', { class: 'num' }, t.price),
          h('th', { class: 'num' }, t.available),
          h('th', {}),
        ),
      ),
      h('tbody', {}, ...rows),
    )
    this.show(head, rows.length ? table : h('p', { class: 'muted' }, t.noProducts))
  }
}
