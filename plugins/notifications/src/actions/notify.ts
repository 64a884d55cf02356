import {
  contextFor,
  fill,
  render,
  type ActionExecutor,
  type ActionRun,
  type ActionSpec,
  type PlumeApp,
} from '@plume/core/internal'
import { noRecipients, recipientErrors, recipients, type NoRecipients } from '../recipients.js'

export const NOTIFICATIONS_PATH = 'api/notifications'

const published = new WeakSet<object>()

/**
 * Realtime for notifications: an event goes to the recipient's own connections only
 * (`users/<id>` channel), never to other users — not even admins who may read every row.
 */
export function publishToRecipient(app: PlumeApp): void {
  const service = app.services[NOTIFICATIONS_PATH] as object | undefined
  if (!service || published.has(service)) return
  published.add(service)
  app.service(NOTIFICATIONS_PATH).publish((data: unknown) => {
    const userId = (data as { userId?: unknown } | null)?.userId
    return typeof userId === 'number' ? app.channel(`users/${userId}`) : []
  })
}

interface Message {
  userId: number
  title: string
  body: string | null
  link: { entity: string; id: number } | null
}

function linkOf(spec: ActionSpec, run: ActionRun, context: Record<string, unknown>): Message['link'] {
  const l = spec.link as { entity?: string; id?: unknown } | undefined
  if (l && typeof l.entity === 'string') {
    const id = Number(fill(l.id ?? '{{record.id}}', context))
    return Number.isInteger(id) && id > 0 ? { entity: l.entity, id } : null
  }
  const id = Number((context.record as { id?: unknown } | undefined)?.id)
  return run.entities.record && Number.isInteger(id) ? { entity: run.entities.record, id } : null
}

/** One message per recipient, each built from what that recipient may read (hidden fields removed). */
async function messages(
  spec: ActionSpec,
  run: ActionRun,
): Promise<{
  messages: Message[]
  skipped: Array<{ userId: number; reason: string }>
  noRecipients?: NoRecipients
}> {
  const users = await recipients(run.db, spec, run.context)
  const out: Message[] = []
  const skipped: Array<{ userId: number; reason: string }> = []
  for (const user of users) {
    const context = contextFor(run.app, user, run.context, run.entities)
    if (!context) {
      skipped.push({ userId: user.id, reason: 'may not read the record' })
      continue
    }
    out.push({
      userId: user.id,
      title: render(String(spec.title), context, 'plain').slice(0, 300) || run.rule.name,
      body: typeof spec.body === 'string' ? render(spec.body, context, 'plain').slice(0, 10000) : null,
      link: linkOf(spec, run, context),
    })
  }
  return {
    messages: out,
    skipped,
    ...(out.length === 0 ? { noRecipients: noRecipients(spec, run.context, users.length) } : {}),
  }
}

/**
 * `notify`: an in-app notification to users and/or roles —
 * `{ type: 'notify', users?: [1, '{{record.ownerId}}'], roles?: ['warehouse'], title, body?, link?: { entity, id } }`.
 */
export const notifyAction: ActionExecutor = {
  type: 'notify',
  retry: { maxAttempts: 5, backoffMs: 10_000 },
  validate(spec) {
    const errs = recipientErrors(spec, true)
    if (typeof spec.title !== 'string' || spec.title.length === 0 || spec.title.length > 300)
      errs.push({ path: '/title', message: 'must be a text of 1 to 300 characters' })
    if (spec.body !== undefined && (typeof spec.body !== 'string' || spec.body.length > 10000))
      errs.push({ path: '/body', message: 'must be a text of at most 10000 characters' })
    const link = spec.link as Record<string, unknown> | undefined
    if (link !== undefined && (!link || typeof link !== 'object' || typeof link.entity !== 'string'))
      errs.push({ path: '/link', message: 'must be { entity, id }' })
    for (const k of Object.keys(spec))
      if (!['type', 'users', 'roles', 'title', 'body', 'link'].includes(k))
        errs.push({ path: `/${k}`, message: 'is not allowed' })
    return errs
  },
  async preview(spec, run) {
    return messages(spec, run)
  },
  async execute(spec, run) {
    publishToRecipient(run.app)
    const { messages: list, skipped, noRecipients: none } = await messages(spec, run)
    const service = run.app.service(NOTIFICATIONS_PATH)
    // all or nothing: a retried job never notifies anyone twice
    const ids = await run.app.get('db').knex.transaction(async (trx) => {
      const out: number[] = []
      for (const m of list) {
        const row = (await service.create(
          { ...m, ruleName: run.rule.name, firingId: run.firingId },
          { transaction: trx, automation: { depth: run.depth, chain: run.chain } },
        )) as { id: number }
        out.push(row.id)
      }
      return out
    })
    return {
      notified: list.map((m) => m.userId),
      notifications: ids,
      skipped,
      ...(none ? { noRecipients: none } : {}),
    }
  },
}
