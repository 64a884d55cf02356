import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'money',
  label: { en: 'Money', 'zh-CN': '金额' },
  priority: 20,
  serves: (f: FieldMeta) => f.xType === 'money',
  optionsSchema: [
    {
      name: 'currencyField',
      type: 'string',
      label: { en: 'Currency field', 'zh-CN': '币种字段' },
      default: 'currency',
    },
  ],
  input: Input,
  options: Options,
})
