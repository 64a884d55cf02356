import type { OrderAction } from './state-machine.js'
import { SHIP_INPUT } from './ship-input.js'

const NONE = { type: 'object', properties: {}, additionalProperties: false }
const REASON = { type: ['string', 'null'], maxLength: 500, description: 'Why the order is cancelled' }

/**
 * Request bodies of the order actions (validated by the action layer, shown in /api/openapi.json).
 * Send `Idempotency-Key` to make a retry return the first answer.
 */
export const ORDER_ACTION_INPUTS: Readonly<Record<OrderAction, Record<string, unknown>>> = {
  submit: NONE,
  approve: NONE,
  ship: SHIP_INPUT,
  deliver: NONE,
  close: NONE,
  cancel: {
    type: 'object',
    properties: {
      reason: REASON,
      cancelReason: { ...REASON, deprecated: true, description: 'Older name of `reason`' },
    },
    additionalProperties: false,
  },
}
