const role = (r: string) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })

/**
 * Permission rules the service plugin needs beyond `metadata/rules/permissions/service_agent.json`
 * (which covers tickets and messages): the ticket actions. Shipped as data on the definition
 * (`rules`), for the permission layer to load from enabled plugins.
 */
export const SERVICE_RULES = [
  {
    name: 'service-ticket-actions',
    description: 'Service agents assign, work, resolve, close and reopen tickets',
    effect: 'allow',
    entities: ['ticket'],
    actions: ['tickets:assign', 'tickets:start', 'tickets:wait', 'tickets:resolve', 'tickets:close', 'tickets:reopen'],
    conditions: { all: [role('service_agent')] },
  },
]
