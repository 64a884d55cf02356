/** How `api/webhook-allowlist` describes itself in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const entry = { type: 'object', properties: { host: { type: 'string' }, note: { type: ['string', 'null'] } } }

export const allowlistDocs: ServiceDocs = {
  tag: 'Notifications',
  description: 'Hosts webhooks may call besides PLUME_WEBHOOK_ALLOW_HOSTS (admins); each change is audited.',
  id: { type: 'string', description: 'Host name or IP address' },
  operations: {
    find: {
      summary: 'List allowed webhook hosts',
      query: objectSchema({}),
      result: { type: 'array', items: entry },
    },
    create: {
      summary: 'Allow a webhook host',
      body: objectSchema(
        {
          host: { type: 'string', description: 'Host name or IP address' },
          note: { type: 'string', maxLength: 500 },
        },
        ['host'],
      ),
      result: entry,
    },
    remove: { summary: 'Stop allowing a webhook host', result: entry },
  },
}
