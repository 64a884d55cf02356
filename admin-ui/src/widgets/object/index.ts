import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'object',
  label: { en: 'Nested fields', 'zh-CN': '嵌套字段' },
  priority: 15,
  serves: (f: FieldMeta) => f.type === 'object' && !!f.properties && f.xType !== 'json',
  optionsSchema: [],
  input: Input,
  options: Options,
})
