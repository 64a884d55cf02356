import { PlumeWidget } from './base.js'
import type { AddToOrderDetail } from './catalog.js'
import { h } from './dom.js'

interface Line {
  productId: number
  sku: string
  name: string
  quantity: number
}
interface Quote {
  warehouseId: number
  currency: string
  total: string
  taxTotal: string
  lines: Array<{ productId: number; unitPrice: string; lineTotal: string }>
}
interface Order {
  id: number
  number: string
  status: string
  total: string
  currency: string
}

/**
 * `<plume-order-form session-url="/plume-session">`: order lines (added from a `<plume-catalog>`
 * on the page or by `addLine`), priced by a quote, then placed and submitted for the session's
 * customer. Needs a session with `orders:create`. Events: `plume:order-submitted` ({ id, number,
 * status, total, currency }). Parts: `lines`, `quantity`, `total`, `submit-button`, `message`.
 */
export class PlumeOrderForm extends PlumeWidget {
  private lines: Line[] = []
  private quote: Quote | undefined
  private message: { text: string; ok: boolean } | undefined
  protected override pageEvents() {
    return {
      'plume:add-to-order': (e: Event) => {
        const d = (e as CustomEvent<AddToOrderDetail>).detail
        if (d && typeof d.productId === 'number') this.addLine(d, 1)
      },
    }
  }

  /** Adds `quantity` of a product (or more of one already in the form) and prices the lines again. */
  addLine(product: { productId: number; sku: string; name: string }, quantity = 1): void {
    const line = this.lines.find((l) => l.productId === product.productId)
    if (line) line.quantity += quantity
    else this.lines.push({ productId: product.productId, sku: product.sku, name: product.name, quantity })
    this.message = undefined
    void this.refresh()
  }

  private body() {
    return { lines: this.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })) }
  }

  protected async load(current: () => boolean): Promise<void> {
    this.quote = this.lines.length
      ? await this.connection.request<Quote>(
          { method: 'POST', path: 'api/order-quotes', body: this.body() },
          'session',
        )
      : undefined
    if (current()) this.render()
  }

  private async place(button: HTMLButtonElement): Promise<void> {
    button.disabled = true
    try {
      const conn = this.connection
      const order = await conn.request<Order>(
        {
          method: 'POST',
          path: 'api/orders',
          body: { ...this.body(), ...(this.quote ? { warehouseId: this.quote.warehouseId } : {}) },
        },
        'session',
      )
      const submitted = await conn.request<Order>(
        { method: 'POST', path: `api/orders/${order.id}/submit`, body: {} },
        'session',
      )
      this.lines = []
      this.quote = undefined
      this.message = { text: this.t.submitted(submitted.number), ok: true }
      this.render()
      this.emit('plume:order-submitted', {
        id: submitted.id,
        number: submitted.number,
        status: submitted.status,
        total: submitted.total,
        currency: submitted.currency,
      })
    } catch (err) {
      this.message = {
        text: `${this.t.error}: ${err instanceof Error ? err.message : String(err)}`,
        ok: false,
      }
      this.render()
    }
  }

  private render(): void {
    const t = this.t
    const prices = new Map(this.quote?.lines.map((l) => [l.productId, l]) ?? [])
    const rows = this.lines.map((l) => {
      const qty = h('input', {
        type: 'number',
        min: 1,
        step: 1,
        value: l.quantity,
        part: 'quantity',
        'aria-label': `${t.quantity} ${l.sku}`,
      })
      qty.addEventListener('change', () => {
        l.quantity = Math.max(1, Math.floor(Number(qty.value)) || 1)
        void this.refresh()
      })
      const remove = h('button', { type: 'button', class: 'link' }, t.remove)
      remove.addEventListener('click', () => {
        this.lines = this.lines.filter((x) => x !== l)
        void this.refresh()
      })
      const priced = prices.get(l.productId)
      return h(
        'tr',
        { 'data-sku': l.sku },
        h('td', {}, l.name),
        h('td', {}, qty),
        h('td', { class: 'num' }, priced ? priced.lineTotal : '—'),
        h('td', {}, remove),
      )
    })
    const submit = h(
      'button',
      { type: 'button', part: 'submit-button', disabled: !this.lines.length },
      t.placeOrder,
    )
    submit.addEventListener('click', () => void this.place(submit))
    this.show(
      h('h3', {}, t.lines),
      this.lines.length
        ? h(
            'table',
            { part: 'lines' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, t.product),
                h('th', {}, t.quantity),
                h('th', { class: 'num' }, t.total),
                h('th', {}),
              ),
            ),
            h('tbody', {}, ...rows),
          )
        : h('p', { class: 'muted' }, t.emptyCart),
      this.quote
        ? h(
            'p',
            { part: 'total', class: 'num' },
            `${t.tax} ${this.quote.currency} ${this.quote.taxTotal} · ${t.total} ${this.quote.currency} ${this.quote.total}`,
          )
        : '',
      h('div', { class: 'row' }, submit),
      this.message
        ? h(
            'p',
            { part: 'message', class: this.message.ok ? 'ok' : 'error', role: 'status' },
            this.message.text,
          )
        : '',
    )
  }
}
