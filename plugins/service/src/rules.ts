import { readFileSync } from 'node:fs'

const role = (r: string) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })

/** The grants on the plugin's own entities (`rules/grants.json`): they come and go with the plugin. */
const GRANTS = JSON.parse(readFileSync(new URL('../rules/grants.json', import.meta.url), 'utf8')) as unknown[]

/**
 * The service plugin's permission rules: the ticket actions, and the grants on its tickets,
 * messages and SLA policies (`rules/grants.json`). Shipped as data on the definition (`rules`):
 * seeded once by name, applied while the plugin is enabled.
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
  ...GRANTS,
]
