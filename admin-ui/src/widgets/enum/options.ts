/** Enum choices with their labels (`x-ui.enumLabels` in the current language, else the value humanised). */
import type { FieldMeta } from '../../types/meta'
import { enumLabel } from '../../utils/format'

export interface EnumOption {
  value: string | number
  label: string
}

/** @example enumOptions(ticketPriority) // [{ value: 'low', label: '低' }, …] in zh-CN */
export const enumOptions = (field: FieldMeta): EnumOption[] =>
  (field.enum ?? []).map((value) => ({ value, label: enumLabel(value, field) }))
