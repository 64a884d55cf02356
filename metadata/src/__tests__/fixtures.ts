/** Small valid definitions for tests; each test breaks one thing. */
import type { EntitySource } from '../registry.js'

export const label = (en: string, zh: string): { label: { en: string; 'zh-CN': string } } => ({
  label: { en, 'zh-CN': zh },
})

type Json = Record<string, unknown>

/** A minimal valid entity file named `name` with one `name` property. */
export function entityFile(name: string, extra: Json = {}, properties: Json = {}): Json {
  const table = name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()) + 's'
  const plural = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()) + 's'
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    'x-entity': { name, plural, table, domain: 'test' },
    properties: {
      name: { type: 'string', maxLength: 100, 'x-ui': label('Name', '名称') },
      ...properties,
    },
    required: ['name'],
    additionalProperties: false,
    'x-ui': label(name, name),
    ...extra,
  }
}

export function src(name: string, raw: unknown): EntitySource {
  return { source: `entities/test/${name}.json`, raw }
}

/** `partner` and `customer` (customer.partnerId → partner), valid together. */
export function pair(customerExtra: Json = {}, customerProps: Json = {}): EntitySource[] {
  return [
    src('partner', entityFile('partner')),
    src(
      'customer',
      entityFile('customer', customerExtra, {
        partnerId: {
          type: ['integer', 'null'],
          'x-ref': { entity: 'partner', onDelete: 'set null' },
          'x-ui': label('Partner', '合作伙伴'),
        },
        ...customerProps,
      }),
    ),
  ]
}
