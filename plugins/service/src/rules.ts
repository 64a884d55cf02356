const role = (r: string) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })

/**
 * The service plugin's permission rules: the ticket actions. Shipped as data on the definition
 * (`rules`), with the grants on its tickets, messages and SLA policies (`rules/grants.json`, loaded
 * by the plugin host): seeded once by name, applied while the plugin is enabled.
 */
export const SERVICE_RULES = [
  {
    name: 'service-ticket-actions',
    description: 'Service agents assign, work, resolve, close and reopen tickets',
    effect: 'allow',
    entities: ['ticket'],
    actions: [
      'tickets:assign',
      'tickets:start',
      'tickets:wait',
      'tickets:resolve',
      'tickets:close',
      'tickets:reopen',
    ],
    conditions: { all: [role('service_agent')] },
  },
]
