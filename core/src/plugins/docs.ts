/** How `api/plugins` describes itself in `/api/openapi.json`. */
import { objectSchema } from '../app/openapi/shared.js'
import type { ServiceDocs } from '../app/openapi/types.js'

const localized = {
  type: ['object', 'null'],
  properties: { en: { type: 'string' }, 'zh-CN': { type: 'string' } },
}
const info = { $ref: '#/components/schemas/PluginInfo' }

export const pluginsDocs: ServiceDocs = {
  tag: 'Plugins',
  description: 'The plugins on this server; admins enable and disable them at run time (data stays).',
  id: { type: 'string', description: 'Plugin name' },
  schemas: {
    PluginInfo: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        version: { type: 'string' },
        installedVersion: { type: ['string', 'null'] },
        enabled: { type: 'boolean' },
        dependsOn: { type: 'array', items: { type: 'string' } },
        error: { type: ['string', 'null'] },
        description: localized,
        entities: { type: 'array', items: { type: 'string' } },
        actions: {
          type: 'array',
          items: {
            type: 'object',
            properties: { entity: { type: 'string' }, name: { type: 'string' }, path: { type: 'string' } },
          },
        },
        services: { type: 'array', items: { type: 'string' } },
        ruleConflicts: {
          type: 'array',
          items: { type: 'string' },
          description:
            'Shipped rules an upgrade changed but an admin had edited: the admin’s version was kept',
        },
      },
    },
  },
  operations: {
    find: { summary: 'List plugins', query: objectSchema({}), result: { type: 'array', items: info } },
    get: { summary: 'Get a plugin', result: info },
    patch: {
      summary: 'Enable or disable a plugin (admins)',
      body: objectSchema({ enabled: { type: 'boolean' } }, ['enabled']),
      result: info,
      errors: { 409: 'Dependencies are not enabled, or enabled plugins depend on it' },
    },
  },
}
