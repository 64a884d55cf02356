/**
 * The metadata API's messages in Simplified Chinese: the sentence around the details is
 * translated for callers whose `Accept-Language` starts with `zh`; the details (a definition
 * problem, a JSON path, a step name) stay as the loader and the planner write them.
 */
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { localeOf } from '../validation/messages.js'

const ZH: Array<[RegExp, (...m: string[]) => string]> = [
  [/^Invalid definition: (.*)$/s, (d) => `定义无效：${d}`],
  [/^Invalid request: (.*)$/s, (d) => `请求无效：${d}`],
  [/^Invalid snapshot: (.*)$/s, (d) => `快照无效：${d}`],
  [
    /^The schema or the definition changed since this preview: preview again and apply the new plan$/,
    () => '预览之后数据库结构或定义已变更：请重新预览，再应用新的计划',
  ],
  [/^This change cannot be applied: (.*)$/s, (d) => `此变更无法应用：${d}`],
  [
    /^Destructive step\(s\) not confirmed: (.*)\. Send them in "confirm" to apply\.$/s,
    (d) => `破坏性步骤未确认：${d}。请在 "confirm" 中列出这些步骤后再应用。`,
  ],
  [
    /^Cannot roll (\S+) back to before version (\d+): (.*)\. Apply the older definition through preview\/apply instead\.$/s,
    (e, v, d) => `无法将 ${e} 回滚到版本 ${v} 之前：${d}。请改用预览/应用提交旧的定义。`,
  ],
  [/^Cannot rename (\S+) to (\S+): (.*)$/s, (a, b, d) => `无法将 ${a} 重命名为 ${b}：${d}`],
  [/^Only administrators may (\S+) entity definitions$/, (a) => `只有管理员可以对实体定义执行 ${a}`],
  [/^No entity definition named "(.*)"$/, (n) => `没有名为 "${n}" 的实体定义`],
  [/^(\S+) has no version (\d+)$/, (e, v) => `${e} 没有版本 ${v}`],
  [/^"(.*)" cannot be removed: (.*) refer to it$/, (n, r) => `"${n}" 无法删除：${r} 引用了它`],
  [
    /^"(.*)" is defined by (.*) and has no customization to remove$/,
    (n, o) => `"${n}" 由 ${o} 定义，没有可删除的自定义`,
  ],
]

/**
 * Translates a message of this API into Simplified Chinese (unknown messages stay as they are).
 * @example zhMessage('No entity definition named "lead"') // '没有名为 "lead" 的实体定义'
 */
export function zhMessage(message: string): string {
  for (const [re, to] of ZH) {
    const m = re.exec(message)
    if (m) return to(...m.slice(1))
  }
  return message
}

/** Hook: errors leave in the caller's language (en, or zh-CN for `Accept-Language: zh…`). */
export const localizedErrors = () => async (context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (err) {
    if (err instanceof Error && localeOf(context.params.headers) === 'zh-CN')
      err.message = zhMessage(err.message)
    throw err
  }
}
