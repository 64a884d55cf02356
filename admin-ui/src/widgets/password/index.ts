import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'password',
  label: { en: 'Password', 'zh-CN': '密码' },
  priority: 25,
  serves: (f: FieldMeta) => f.type === 'string' && (f.ui.widget === 'password' || f.writeOnly),
  optionsSchema: [],
  input: Input,
  options: Options,
})
