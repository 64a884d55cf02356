import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'datetime',
  label: { en: 'Date and time', 'zh-CN': '日期时间' },
  priority: 20,
  serves: (f: FieldMeta) => f.type === 'string' && f.format === 'date-time',
  optionsSchema: [],
  input: Input,
  options: Options,
})
