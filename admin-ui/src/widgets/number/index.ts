import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'number',
  label: { en: 'Number', 'zh-CN': '数字' },
  priority: 5,
  serves: (f: FieldMeta) => (f.type === 'integer' || f.type === 'number') && !f.ref,
  optionsSchema: [{ name: 'step', type: 'number', label: { en: 'Step', 'zh-CN': '步长' }, default: 1 }],
  input: Input,
  options: Options,
})
