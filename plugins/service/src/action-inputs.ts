import type { TicketAction } from './state-machine.js'

const object = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  additionalProperties: false,
})

/** Request bodies of the ticket actions (validated by the action layer, shown in /api/openapi.json). */
export const TICKET_ACTION_INPUTS: Readonly<Record<TicketAction, Record<string, unknown>>> = {
  assign: object({
    assigneeId: {
      type: ['integer', 'null'],
      minimum: 1,
      description: 'An agent (default: the calling agent)',
    },
    team: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'A team' },
  }),
  start: object({}),
  wait: object({}),
  resolve: object({}),
  close: object({
    satisfaction: {
      type: ['integer', 'null'],
      minimum: 1,
      maximum: 5,
      description: "The customer's satisfaction, 1 to 5",
    },
  }),
  reopen: object({}),
}
