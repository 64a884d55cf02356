import { PlumeWidget } from './base.js'
import { h } from './dom.js'
import { LiveOrders } from './live.js'

interface Order {
  id: number
  number: string
  status: string
  total: string
  currency: string
  orderDate?: string
  createdAt?: string
}

/**
 * `<plume-order-status session-url="…" order-id="42">`: one order, or the session's latest ten,
 * with their status, kept current live: the widget's socket hears the session's order events
 * (`api/embed-realtime`) and reads again when one of its orders changes. `live="off"` turns the
 * socket off; then, or if the socket cannot sign in, it reads again every `refresh-seconds`
 * (default 10; 0 stops it). With the socket on, `refresh-seconds` defaults to 0. Also reads again
 * after a `plume:order-submitted` on the page. Needs `orders:read` or `orders:read:own-customer`.
 * Parts: `table`, `row`, `status`.
 */
export class PlumeOrderStatus extends PlumeWidget {
  static override observedAttributes = [
    ...PlumeWidget.observedAttributes,
    'order-id',
    'refresh-seconds',
    'live',
  ]
  private timer: ReturnType<typeof setTimeout> | undefined
  private live: LiveOrders | undefined
  private liveFailed = false
  protected override pageEvents() {
    return { 'plume:order-submitted': () => void this.refresh() }
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.startLive()
  }

  override disconnectedCallback(): void {
    clearTimeout(this.timer)
    this.stopLive()
    super.disconnectedCallback()
  }

  override attributeChangedCallback(): void {
    if (this.isConnected) {
      this.stopLive()
      this.startLive()
    }
    super.attributeChangedCallback()
  }

  private startLive(): void {
    const conn = this.connection
    if (this.live || this.getAttribute('live') === 'off' || !conn.hasSession) return
    this.liveFailed = false
    const id = () => this.getAttribute('order-id')
    this.live = new LiveOrders(conn, {
      order: (o) => {
        const mine = id()
        if (!mine || String(o.id) === mine) void this.refresh()
      },
      ready: () => {
        this.liveFailed = false
        void this.refresh()
      },
      failed: () => {
        if (this.liveFailed) return
        this.liveFailed = true
        void this.refresh()
      },
    })
    this.live.start()
  }

  private stopLive(): void {
    this.live?.stop()
    this.live = undefined
  }

  protected async load(current: () => boolean): Promise<void> {
    clearTimeout(this.timer)
    const polling = !this.live || this.liveFailed
    const every = Number(this.getAttribute('refresh-seconds') ?? (polling ? 10 : 0))
    if (every > 0 && this.isConnected) this.timer = setTimeout(() => void this.refresh(), every * 1000)
    const t = this.t
    const id = this.getAttribute('order-id')
    const select = ['id', 'number', 'status', 'total', 'currency', 'orderDate']
    const orders = id
      ? [
          await this.connection.request<Order>(
            { method: 'GET', path: `api/orders/${encodeURIComponent(id)}` },
            'session',
          ),
        ]
      : (
          await this.connection.request<{ data: Order[] }>(
            { method: 'GET', path: 'api/orders', query: { $sort: { id: -1 }, $limit: 10, $select: select } },
            'session',
          )
        ).data
    if (!current()) return
    if (!orders.length) return this.show(h('p', { class: 'muted' }, t.noOrders))
    const rows = orders.map((o) =>
      h(
        'tr',
        { part: 'row', 'data-order': o.number },
        h('td', {}, o.number),
        h('td', { part: 'status', 'data-status': o.status }, t.statuses[o.status] ?? o.status),
        h('td', { class: 'num' }, `${o.currency} ${o.total}`),
        h('td', { class: 'muted' }, (o.orderDate ?? '').slice(0, 10)),
      ),
    )
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
            h('th', {}, t.order),
            h('th', {}, t.status),
            h('th', { class: 'num' }, t.total),
            h('th', {}, t.date),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
    )
  }
}
