import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'enum',
  label: { en: 'Choice', 'zh-CN': '选项' },
  priority: 30,
  serves: (f: FieldMeta) => Array.isArray(f.enum) && f.enum.length > 0,
  optionsSchema: [
    { name: 'clearable', type: 'boolean', label: { en: 'Clearable', 'zh-CN': '可清除' }, default: true },
  ],
  input: Input,
  options: Options,
})
