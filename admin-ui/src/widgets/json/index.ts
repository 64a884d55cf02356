import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'json',
  label: { en: 'JSON', 'zh-CN': 'JSON' },
  priority: 1,
  serves: (f: FieldMeta) => f.type === 'object' || f.type === 'array' || f.xType === 'json',
  optionsSchema: [{ name: 'rows', type: 'number', label: { en: 'Rows', 'zh-CN': '行数' }, default: 6 }],
  input: Input,
  options: Options,
})
