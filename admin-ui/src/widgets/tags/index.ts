import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'tags',
  label: { en: 'Tags', 'zh-CN': '标签' },
  priority: 15,
  serves: (f: FieldMeta) => f.type === 'array' && (f.ui.widget === 'tags' || f.name === 'roles'),
  optionsSchema: [],
  input: Input,
  options: Options,
})
