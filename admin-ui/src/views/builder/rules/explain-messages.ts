/** Texts of the explain panel's row condition in words (rules/sentence.ts). */
import { i18n } from '../../../i18n'

i18n.global.mergeLocaleMessage('en', {
  bld: { rul: { words: { and: 'and', or: 'or', is: 'is', forUser: 'for this user' } } },
})
i18n.global.mergeLocaleMessage('zh-CN', {
  bld: { rul: { words: { and: '且', or: '或', is: '为', forUser: '对该用户' } } },
})
