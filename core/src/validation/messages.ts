/**
 * Validation messages for people, in English and Simplified Chinese. The path names the field;
 * the message says what it must be ("must be a number or empty", not Ajv's "must be
 * number,null"). The language follows the request's `Accept-Language` (zh → zh-CN, else en).
 */

export type Locale = 'en' | 'zh-CN'

const CATALOG = {
  required: { en: 'is required', 'zh-CN': '为必填项' },
  unknownField: { en: 'is not a known field', 'zh-CN': '不是已知字段' },
  serverManaged: { en: 'is managed by the server and cannot be written', 'zh-CN': '由服务器管理，不能写入' },
  mustBe: { en: 'must be {what}', 'zh-CN': '必须是{what}' },
  oneOf: { en: 'must be one of: {list}', 'zh-CN': '必须是以下之一：{list}' },
  money: {
    en: 'must be a decimal string with at most 2 decimals, e.g. "12.50"',
    'zh-CN': '必须是最多两位小数的金额字符串，例如 "12.50"',
  },
  percent: {
    en: 'must be a decimal number such as 12.5 (at most 3 digits before the point and 4 after)',
    'zh-CN': '必须是小数，例如 12.5（整数部分最多 3 位，小数部分最多 4 位）',
  },
  pattern: { en: 'is not in the expected format', 'zh-CN': '格式不正确' },
  atLeast: { en: 'must be at least {limit}', 'zh-CN': '不能小于 {limit}' },
  above: { en: 'must be greater than {limit}', 'zh-CN': '必须大于 {limit}' },
  atMost: { en: 'must be at most {limit}', 'zh-CN': '不能大于 {limit}' },
  below: { en: 'must be less than {limit}', 'zh-CN': '必须小于 {limit}' },
  minLength: { en: 'must be at least {limit} characters long', 'zh-CN': '长度不能少于 {limit} 个字符' },
  notEmpty: { en: 'must not be empty', 'zh-CN': '不能为空' },
  maxLength: { en: 'must be at most {limit} characters long', 'zh-CN': '长度不能超过 {limit} 个字符' },
  minItems: { en: 'must have at least {limit} items', 'zh-CN': '至少需要 {limit} 项' },
  maxItems: { en: 'must have at most {limit} items', 'zh-CN': '最多 {limit} 项' },
  uniqueItems: { en: 'must not contain the same item twice', 'zh-CN': '不能包含重复项' },
  format: { en: 'must be {what}', 'zh-CN': '必须是{what}' },
  invalid: { en: 'is invalid', 'zh-CN': '无效' },
} as const

export type MessageKey = keyof typeof CATALOG

/**
 * One message in a language, with `{name}` placeholders filled in.
 * @example text('zh-CN', 'atMost', { limit: '100' }) // '不能大于 100'
 */
export function text(locale: Locale, key: MessageKey, params: Record<string, string> = {}): string {
  return CATALOG[key][locale].replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? '')
}

/** What each JSON type is called. */
const TYPE_WORDS: Record<string, Record<Locale, string>> = {
  number: { en: 'a number', 'zh-CN': '数字' },
  integer: { en: 'an integer', 'zh-CN': '整数' },
  string: { en: 'text', 'zh-CN': '文本' },
  boolean: { en: 'true or false', 'zh-CN': 'true 或 false' },
  array: { en: 'a list', 'zh-CN': '列表' },
  object: { en: 'an object', 'zh-CN': '对象' },
  null: { en: 'empty', 'zh-CN': '空值' },
}

/**
 * "must be a number or empty" for Ajv's `type` error on `["number", "null"]`.
 * @example typeMessage('en', ['number', 'null']) // 'must be a number or empty'
 */
export function typeMessage(locale: Locale, types: string | string[]): string {
  const list = (Array.isArray(types) ? types : String(types).split(',')).map(
    (t) => TYPE_WORDS[t]?.[locale] ?? t,
  )
  return text(locale, 'mustBe', { what: list.join(locale === 'en' ? ' or ' : '或') })
}

const FORMAT_WORDS: Record<string, Record<Locale, string>> = {
  email: { en: 'an email address', 'zh-CN': '邮箱地址' },
  'date-time': {
    en: 'a date and time such as 2026-01-05T10:00:00Z',
    'zh-CN': '日期时间，例如 2026-01-05T10:00:00Z',
  },
  date: { en: 'a date such as 2026-01-05', 'zh-CN': '日期，例如 2026-01-05' },
  time: { en: 'a time such as 10:00:00', 'zh-CN': '时间，例如 10:00:00' },
  uri: { en: 'a URL', 'zh-CN': '网址' },
  uuid: { en: 'a UUID', 'zh-CN': 'UUID' },
}

/** "must be an email address" for a `format` error. */
export function formatMessage(locale: Locale, format: string): string {
  return text(locale, 'format', {
    what: FORMAT_WORDS[format]?.[locale] ?? (locale === 'en' ? `a valid ${format}` : `有效的 ${format}`),
  })
}

/**
 * The language of a request from its `Accept-Language` header: Chinese when it prefers zh.
 * @example localeOf({ 'accept-language': 'zh-CN,zh;q=0.9' }) // 'zh-CN'
 */
export function localeOf(headers: unknown): Locale {
  const h = (headers as Record<string, unknown> | undefined)?.['accept-language']
  const first = (typeof h === 'string' ? h : '').split(',')[0]?.trim().toLowerCase() ?? ''
  return first.startsWith('zh') ? 'zh-CN' : 'en'
}
