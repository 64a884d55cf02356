/** Run-time switchable English / Simplified Chinese, for UI strings, metadata labels and Element Plus. */
import { computed, ref, shallowRef } from 'vue'
import { createI18n } from 'vue-i18n'
import type { Language } from 'element-plus/es/locale'
import en from './en'
import zhCN from './zh-CN'
import type { LocalizedText } from '../types/meta'

export type Locale = 'en' | 'zh-CN'
export const LOCALES: Array<{ code: Locale; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
]

// guarded so that pure modules using `tr` can be unit-tested outside a browser
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('plume.locale')
const browserLang = typeof navigator === 'undefined' ? 'en' : navigator.language
const initial: Locale =
  stored === 'zh-CN' || stored === 'en' ? stored : browserLang.startsWith('zh') ? 'zh-CN' : 'en'

export const i18n = createI18n({
  legacy: false,
  locale: initial,
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
})

export const locale = ref<Locale>(initial)
/** Element Plus strings (pagination, date picker…), loaded on demand. */
export const elementLocale = shallowRef<Language | undefined>()

async function loadElementLocale(code: Locale): Promise<Language> {
  const mod =
    code === 'zh-CN'
      ? await import('element-plus/es/locale/lang/zh-cn.mjs')
      : await import('element-plus/es/locale/lang/en.mjs')
  return mod.default
}

/** Switches every text on screen, and remembers the choice. */
export async function setLocale(code: Locale): Promise<void> {
  elementLocale.value = await loadElementLocale(code)
  locale.value = code
  i18n.global.locale.value = code
  document.documentElement.lang = code
  localStorage.setItem('plume.locale', code)
}

/** A metadata label in the current language (English when the translation is missing). */
export function tr(text: LocalizedText | undefined, fallback = ''): string {
  if (!text) return fallback
  return text[locale.value] || text.en || fallback
}

export const isZh = computed(() => locale.value === 'zh-CN')
