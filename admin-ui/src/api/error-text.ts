/**
 * Server errors in the screen's language. Errors carry a stable code (`data.reason`) with its
 * parameters for the business cases (a transition not allowed in a state, a plugin others depend
 * on, …), Feathers' `className` for the rest (not-found, forbidden, conflict, …), and field errors
 * that the server already words in the request's language (`Accept-Language`, sent by client.ts).
 * English keeps the server's own message (it names the record and the values); Chinese uses these
 * texts, so no English reaches a zh-CN screen.
 */
import type { Locale } from '../i18n'

type Text = Record<Locale, string>

/** Texts per `data.reason`, with `{param}` from the error's data. */
const REASONS: Record<string, Text> = {
  state: {
    en: 'Cannot {action} in state {status}; allowed now: {allowed}',
    'zh-CN': '当前状态“{status}”下不能执行“{action}”；现在可执行：{allowed}',
  },
  'not-on-credit-hold': { en: 'The order is not on credit hold', 'zh-CN': '该订单未处于信用冻结状态' },
  'plugin-dependents': {
    en: 'Cannot disable it: enabled plugins depend on it: {dependents}',
    'zh-CN': '无法停用：以下已启用的插件依赖它：{dependents}',
  },
  'plugin-dependencies': {
    en: 'Cannot enable it: it depends on {dependsOn}, which is not enabled',
    'zh-CN': '无法启用：它依赖的插件 {dependsOn} 尚未启用',
  },
  'password-change-required': {
    en: 'Your password was reset: change it first',
    'zh-CN': '您的密码已被重置，请先修改密码',
  },
}

/** Texts per Feathers `className`, for zh-CN (and for English when the server said nothing). */
const CLASSES: Record<string, Text> = {
  'bad-request': { en: 'The request is not valid', 'zh-CN': '请求无效' },
  'not-authenticated': { en: 'Please sign in again', 'zh-CN': '请重新登录' },
  forbidden: { en: 'You do not have permission to do this', 'zh-CN': '您没有执行此操作的权限' },
  'not-found': { en: 'Not found, or not visible to you', 'zh-CN': '记录不存在，或您无权查看' },
  conflict: {
    en: 'This conflicts with the current state of the data; reload and try again',
    'zh-CN': '与数据的当前状态冲突，请刷新后重试',
  },
  unprocessable: { en: 'The request cannot be processed', 'zh-CN': '无法处理该请求' },
  'too-many-requests': { en: 'Too many requests; please wait a moment', 'zh-CN': '请求过于频繁，请稍后再试' },
  unavailable: {
    en: 'The service is not available right now; please retry',
    'zh-CN': '服务暂不可用，请稍后重试',
  },
  'general-error': {
    en: 'Something went wrong on the server; please retry',
    'zh-CN': '服务器出错，请稍后重试',
  },
  network: { en: 'The server cannot be reached', 'zh-CN': '无法连接服务器' },
}

/** Labels for codes in an error's parameters (a status, an action), from the screen that knows them. */
export type CodeLabel = (kind: 'status' | 'action', code: string) => string

interface ErrorLike {
  message?: unknown
  className?: unknown
  errors?: unknown
  data?: unknown
}

const fill = (text: string, params: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? '')

function paramsOf(data: Record<string, unknown>, locale: Locale, label?: CodeLabel): Record<string, string> {
  const out: Record<string, string> = {}
  const none = locale === 'zh-CN' ? '无' : 'none'
  const sep = locale === 'zh-CN' ? '、' : ', '
  for (const [k, v] of Object.entries(data)) {
    const kind = k === 'status' ? 'status' : k === 'action' || k === 'allowed' ? 'action' : undefined
    const one = (x: unknown) => (kind && label ? label(kind, String(x)) : String(x))
    out[k] = Array.isArray(v) ? (v.length ? v.map(one).join(sep) : none) : one(v)
  }
  return out
}

/** Field errors as one line: `name: message; …` (the server words the messages in the request's language). */
function fieldText(errors: unknown): string | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return undefined
  return (errors as Array<{ path?: unknown; message?: unknown }>)
    .slice(0, 3)
    .map((e) => `${String(e.path ?? '').replace(/^\//, '')} ${String(e.message ?? '')}`.trim())
    .join('; ')
}

/**
 * The text to show for a server (or network) error in `locale`.
 * @example errorText({ className: 'conflict', message: 'Cannot ship…', data: { reason: 'state', action: 'ship', status: 'draft', allowed: ['submit'] } }, 'zh-CN')
 *   // '当前状态“draft”下不能执行“ship”；现在可执行：submit'
 */
export function errorText(err: unknown, locale: Locale, label?: CodeLabel): string {
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as ErrorLike
  const data = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>
  const reason = typeof data.reason === 'string' ? REASONS[data.reason] : undefined
  if (reason) return fill(reason[locale], paramsOf(data, locale, label))
  const fields = fieldText(e.errors ?? data.errors)
  const className =
    typeof e.className === 'string' ? e.className : e instanceof TypeError ? 'network' : undefined
  const known = className ? CLASSES[className] : undefined
  if (locale === 'en')
    return typeof e.message === 'string' && e.message ? e.message : (known?.en ?? String(err))
  if (fields) return known ? `${known['zh-CN']}：${fields}` : fields
  return known?.['zh-CN'] ?? CLASSES['general-error']!['zh-CN']
}
