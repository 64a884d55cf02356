import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'text',
  label: { en: 'Text', 'zh-CN': '文本' },
  priority: 0,
  serves: (f: FieldMeta) => f.type === 'string',
  optionsSchema: [
    { name: 'placeholder', type: 'string', label: { en: 'Placeholder', 'zh-CN': '占位提示' }, default: '' },
  ],
  input: Input,
  options: Options,
})
