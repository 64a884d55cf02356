import { afterEach, describe, expect, it } from 'vitest'
import { customer } from '../../__tests__/fixtures'
import { locale } from '../../i18n'
import { formatValue } from '../../utils/format'
import { enumOptions } from './options'

const status = customer.fields.status!

describe('enum widget', () => {
  afterEach(() => {
    locale.value = 'en'
  })

  it('labels values from x-ui.enumLabels in the current language', () => {
    locale.value = 'en'
    expect(enumOptions(status)).toEqual([
      { value: 'new', label: 'New' },
      { value: 'in_progress', label: 'In progress' },
      { value: 'closed', label: 'Closed' },
    ])
    locale.value = 'zh-CN'
    expect(enumOptions(status).map((o) => o.label)).toEqual(['新建', '处理中', 'Closed'])
    expect(formatValue(status, 'in_progress')).toBe('处理中')
  })

  it('humanises values without a label', () => {
    expect(enumOptions({ ...status, ui: {} }).map((o) => o.label)).toEqual(['New', 'In progress', 'Closed'])
  })
})
