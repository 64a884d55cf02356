import type { FieldMeta } from '../../types/meta'
import { defineWidget } from '../types'
import Input from './Input.vue'
import Options from './Options.vue'

export default defineWidget({
  id: 'percent',
  label: { en: 'Percent', 'zh-CN': '百分比' },
  priority: 20,
  serves: (f: FieldMeta) => f.xType === 'percent',
  optionsSchema: [
    { name: 'precision', type: 'number', label: { en: 'Decimals', 'zh-CN': '小数位' }, default: 2 },
  ],
  input: Input,
  options: Options,
})
