import { describe, expect, it } from 'vitest'
import { errorText } from '../error-text'

const state = {
  name: 'Conflict',
  className: 'conflict',
  code: 409,
  message: 'Cannot ship an order in state draft; allowed: submit, cancel',
  data: { reason: 'state', action: 'ship', status: 'draft', allowed: ['submit', 'cancel'] },
}
const labels = (kind: 'status' | 'action', code: string) =>
  ({ draft: '草稿', ship: '发货', submit: '提交', cancel: '取消' })[code] ?? `${kind}:${code}`

describe('server errors in the screen language', () => {
  it('a transition refused in a state: by its code, with the status and actions labelled', () => {
    expect(errorText(state, 'zh-CN', labels)).toBe('当前状态“草稿”下不能执行“发货”；现在可执行：提交、取消')
    expect(errorText({ ...state, data: { ...state.data, allowed: [] } }, 'zh-CN', labels)).toContain(
      '现在可执行：无',
    )
  })

  it('a plugin others depend on: names them in either language', () => {
    const err = {
      className: 'conflict',
      message: 'Cannot disable "crm": …',
      data: { reason: 'plugin-dependents', dependents: ['orders', 'risk'] },
    }
    expect(errorText(err, 'zh-CN')).toBe('无法停用：以下已启用的插件依赖它：orders、risk')
    expect(errorText(err, 'en')).toBe('Cannot disable it: enabled plugins depend on it: orders, risk')
  })

  it('zh-CN: not found, forbidden and unknown conflicts in Chinese, never the English message', () => {
    for (const className of ['not-found', 'forbidden', 'conflict', 'general-error', 'something-new']) {
      const text = errorText({ className, message: 'No order with id 7' }, 'zh-CN')
      expect(text).not.toMatch(/[A-Za-z]/)
    }
  })

  it('zh-CN validation: the server-worded field messages follow a Chinese headline', () => {
    expect(
      errorText(
        {
          className: 'bad-request',
          message: 'Invalid data',
          errors: [{ path: '/carrier', message: '长度不能超过 100 个字符' }],
        },
        'zh-CN',
      ),
    ).toBe('请求无效：carrier 长度不能超过 100 个字符')
  })

  it('English keeps the server message; a failed fetch says the server cannot be reached', () => {
    expect(errorText({ className: 'not-found', message: 'No order with id 7' }, 'en')).toBe(
      'No order with id 7',
    )
    expect(errorText(new TypeError('Failed to fetch'), 'zh-CN')).toBe('无法连接服务器')
  })
})
