import type { ActionDefinition, PlumeApp } from '@plume/core'
import type { InventoryApi } from '@plume/plugin-inventory'
import { conflict, nowOf, type Params } from './context.js'
import { internal } from './hooks/guard-order.js'
import { receive, type PoRow, type ReceiveBody } from './receive.js'
import { PO_FROM, PO_INPUTS, PO_LABELS, type PoAction } from './state-machine.js'

type Handler = (
  app: PlumeApp,
  inventory: InventoryApi,
  trx: Parameters<ActionDefinition['handler']>[2]['trx'],
  po: PoRow,
  data: Record<string, unknown>,
  params: Params,
) => Promise<unknown>

const patchPo = (app: PlumeApp, trx: Parameters<Handler>[2], id: number, set: Record<string, unknown>) =>
  app.service('api/purchase-orders').patch(id, set, internal({ transaction: trx }))

const HANDLERS: Record<PoAction, Handler> = {
  async send(app, _inv, trx, po, data, params) {
    const lines = (await trx('purchase_order_lines')
      .where({ purchaseOrderId: po.id })
      .count({ n: '*' })
      .first()) as { n: string | number }
    if (Number(lines.n) === 0)
      throw conflict(`Purchase order ${po.number} has no lines: add what to buy before sending it`)
    return patchPo(app, trx, po.id, {
      status: 'sent',
      sentAt: nowOf(params).toISOString(),
      ...(data.expectedDate ? { expectedDate: data.expectedDate } : {}),
    })
  },
  receive: (app, inventory, trx, po, data, params) =>
    receive(app, inventory, trx, po, data as unknown as ReceiveBody, params),
  close: (app, _inv, trx, po, _data, params) =>
    patchPo(app, trx, po.id, { status: 'closed', closedAt: nowOf(params).toISOString() }),
  async cancel(app, _inv, trx, po, data, params) {
    return patchPo(app, trx, po.id, {
      status: 'cancelled',
      cancelledAt: nowOf(params).toISOString(),
      cancelReason: data.reason,
    })
  },
}

/**
 * The purchase order actions, declared once for REST, socket.io and in-process callers: each
 * applies in its states (409 in any other, listing where it stands) with its input schema.
 */
export function purchaseOrderActions(
  inventoryOf: (app: PlumeApp) => InventoryApi,
): Record<string, ActionDefinition> {
  return Object.fromEntries(
    (Object.keys(HANDLERS) as PoAction[]).map((action) => [
      action,
      {
        label: PO_LABELS[action],
        input: PO_INPUTS[action],
        states: PO_FROM[action],
        async handler(_id, data, { app, trx, params, record }) {
          const po = record as unknown as PoRow
          if (!PO_FROM[action].includes(po.status as never))
            throw conflict(
              `Purchase order ${po.number} is ${po.status}: ${action} applies to ${PO_FROM[action].join(', ')}`,
              { status: po.status },
            )
          return HANDLERS[action](app, inventoryOf(app), trx, po, data, params as Params)
        },
      } satisfies ActionDefinition,
    ]),
  )
}
