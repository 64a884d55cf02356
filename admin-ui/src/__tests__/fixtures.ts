/** Small entity metadata for unit tests (what /api/meta returns, trimmed). */
import type { EntityMeta, FieldMeta } from '../types/meta'

export function field(name: string, extra: Partial<FieldMeta> = {}): FieldMeta {
  return {
    name,
    type: 'string',
    required: false,
    readOnly: false,
    writeOnly: false,
    nullable: false,
    serverManaged: false,
    searchable: false,
    sensitive: false,
    unique: false,
    ui: { label: { en: name, 'zh-CN': name } },
    ...extra,
  }
}

export function entity(name: string, fields: FieldMeta[], ui: Partial<EntityMeta['ui']> = {}): EntityMeta {
  const all = [field('id', { type: 'integer', serverManaged: true, readOnly: true }), ...fields]
  return {
    name,
    plural: `${name}s`,
    domain: 'test',
    versioned: true,
    fieldOrder: all.map((f) => f.name),
    fields: Object.fromEntries(all.map((f) => [f.name, f])),
    relations: {},
    ui: { label: { en: name, 'zh-CN': name }, ...ui },
    schema: {},
  }
}

export const statusLabels = {
  new: { en: 'New', 'zh-CN': '新建' },
  in_progress: { en: 'In progress', 'zh-CN': '处理中' },
}

/** A customer: code, name (search), status enum with labels, credit limit (money), partner ref, dates. */
export const customer = entity(
  'customer',
  [
    field('code', { required: true, searchable: true }),
    field('name', { required: true, searchable: true, ui: { label: { en: 'Name', 'zh-CN': '名称' } } }),
    field('status', {
      enum: ['new', 'in_progress', 'closed'],
      ui: { label: { en: 'Status', 'zh-CN': '状态' }, enumLabels: statusLabels },
    }),
    field('creditLimit', { xType: 'money', ui: { label: { en: 'Credit limit', 'zh-CN': '信用额度' } } }),
    field('discount', { type: 'number', xType: 'percent' }),
    field('partnerId', { type: 'integer', nullable: true, ref: { entity: 'partner' } }),
    field('since', { format: 'date' }),
    field('lastSeenAt', { format: 'date-time', nullable: true }),
    field('vip', { type: 'boolean' }),
    field('email', { format: 'email', searchable: true, sensitive: true }),
  ],
  { titleField: 'name' },
)
