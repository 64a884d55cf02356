import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'textarea',
  label: { en: 'Long text', 'zh-CN': '多行文本' },
  priority: 10,
  serves: (f: FieldMeta) =>
    f.type === 'string' && (f.xType === 'text' || f.ui.widget === 'textarea' || (f.maxLength ?? 0) > 500),
  optionsSchema: [{ name: 'rows', type: 'number', label: { en: 'Rows', 'zh-CN': '行数' }, default: 4 }],
  input: Input,
  options: Options,
})
