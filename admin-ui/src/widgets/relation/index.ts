import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'relation',
  label: { en: 'Related record', 'zh-CN': '关联记录' },
  priority: 40,
  serves: (f: FieldMeta) => !!f.ref,
  optionsSchema: [
    { name: 'limit', type: 'number', label: { en: 'Suggestions', 'zh-CN': '建议数量' }, default: 20 },
  ],
  input: Input,
  options: Options,
})
