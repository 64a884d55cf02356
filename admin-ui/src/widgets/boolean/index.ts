import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'boolean',
  label: { en: 'Switch', 'zh-CN': '开关' },
  priority: 30,
  serves: (f: FieldMeta) => f.type === 'boolean',
  optionsSchema: [],
  input: Input,
  options: Options,
})
