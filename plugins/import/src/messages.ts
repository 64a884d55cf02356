/** Row error texts of the import itself, in the caller's language (entity validation has its own). */
export type Locale = 'en' | 'zh-CN'

const TEXTS = {
  notFound: {
    en: 'no {entity} with id or key "{value}" that you may see',
    'zh-CN': '找不到 id 或唯一键为“{value}”且您有权查看的{entity}',
  },
  ambiguous: { en: '"{value}" matches more than one {entity}', 'zh-CN': '“{value}”匹配到多个{entity}' },
  duplicate: { en: 'the same key as row {row}', 'zh-CN': '与第 {row} 行的键相同' },
  notJson: { en: 'must be JSON', 'zh-CN': '必须是 JSON' },
} as const

export type TextKey = keyof typeof TEXTS

/** @example say('zh-CN', 'duplicate', { row: '4' }) // '与第 4 行的键相同' */
export function say(locale: Locale, key: TextKey, params: Record<string, string> = {}): string {
  return TEXTS[key][locale].replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? '')
}

export const localeFrom = (v: unknown): Locale => (v === 'zh-CN' ? 'zh-CN' : 'en')

/** The caller's language from `Accept-Language` (Chinese → zh-CN, else English). */
export function localeOfHeaders(headers: unknown): Locale {
  const v = (headers as Record<string, unknown> | undefined)?.['accept-language']
  return typeof v === 'string' && /^\s*zh/i.test(v) ? 'zh-CN' : 'en'
}
