/** Purchase order states and the actions between them. */
export const PO_STATUSES = ['draft', 'sent', 'partially_received', 'received', 'closed', 'cancelled'] as const
export type PoStatus = (typeof PO_STATUSES)[number]

export const PO_ACTIONS = ['send', 'receive', 'close', 'cancel'] as const
export type PoAction = (typeof PO_ACTIONS)[number]

/** The states each action applies to. */
export const PO_FROM: Record<PoAction, readonly PoStatus[]> = {
  send: ['draft'],
  receive: ['sent', 'partially_received'],
  close: ['partially_received', 'received'],
  cancel: ['draft', 'sent'],
}

export const PO_LABELS: Record<PoAction, { en: string; 'zh-CN': string }> = {
  send: { en: 'Send to supplier', 'zh-CN': '发送给供应商' },
  receive: { en: 'Receive goods', 'zh-CN': '收货' },
  close: { en: 'Close', 'zh-CN': '关闭' },
  cancel: { en: 'Cancel', 'zh-CN': '取消' },
}

const money = { type: 'string', pattern: '^\\d{1,12}(\\.\\d{1,2})?$' }

/** The request bodies of the actions (JSON Schema; the action layer answers 400 naming the field). */
export const PO_INPUTS: Record<PoAction, Record<string, unknown>> = {
  send: {
    type: 'object',
    properties: { expectedDate: { type: 'string', format: 'date' } },
    additionalProperties: false,
  },
  receive: {
    type: 'object',
    properties: {
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: 500,
        items: {
          type: 'object',
          properties: { lineId: { type: 'integer', minimum: 1 }, quantity: { type: 'integer', minimum: 1 } },
          required: ['lineId', 'quantity'],
          additionalProperties: false,
        },
      },
      freight: { ...money, description: 'Freight for this delivery, spread over its lines by value' },
      duty: { ...money, description: 'Duty for this delivery, spread over its lines by value' },
      allowOverReceipt: { type: 'boolean', description: 'Accept more than was ordered' },
      reference: { type: 'string', maxLength: 64, description: "The supplier's delivery note number" },
    },
    required: ['lines'],
    additionalProperties: false,
  },
  close: {
    type: 'object',
    properties: { note: { type: 'string', maxLength: 500 } },
    additionalProperties: false,
  },
  cancel: {
    type: 'object',
    properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
    required: ['reason'],
    additionalProperties: false,
  },
}
