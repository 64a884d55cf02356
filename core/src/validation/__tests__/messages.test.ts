import { describe, expect, it } from 'vitest'
import { localeOf, text, typeMessage } from '../messages.js'

describe('validation messages for people', () => {
  it('names JSON types in words, with null as “empty”', () => {
    expect(typeMessage('en', ['number', 'null'])).toBe('must be a number or empty')
    expect(typeMessage('en', 'integer')).toBe('must be an integer')
    expect(typeMessage('zh-CN', ['number', 'null'])).toBe('必须是数字或空值')
  })

  it('fills limits in, in either language', () => {
    expect(text('en', 'atMost', { limit: '100' })).toBe('must be at most 100')
    expect(text('zh-CN', 'atMost', { limit: '100' })).toBe('不能大于 100')
  })

  it('takes Chinese from an Accept-Language that prefers zh, English otherwise', () => {
    expect(localeOf({ 'accept-language': 'zh-CN,zh;q=0.9' })).toBe('zh-CN')
    expect(localeOf({ 'accept-language': 'zh' })).toBe('zh-CN')
    expect(localeOf({ 'accept-language': 'en-US,zh;q=0.5' })).toBe('en')
    expect(localeOf(undefined)).toBe('en')
  })
})
