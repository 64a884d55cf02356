import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'date',
  label: { en: 'Date', 'zh-CN': '日期' },
  priority: 20,
  serves: (f: FieldMeta) => f.type === 'string' && f.format === 'date',
  optionsSchema: [],
  input: Input,
  options: Options,
})
