import { createTransport, type Transporter } from 'nodemailer'
import {
  contextFor,
  fill,
  PermanentJobError,
  render,
  type ActionExecutor,
  type ActionRun,
  type ActionSpec,
  type PlumeApp,
} from '@plume/core/internal'
import { noRecipients, recipientErrors, recipients, type NoRecipients } from '../recipients.js'

const EMAIL = /^[^\s@<>"',;]{1,64}@[^\s@<>"',;]{1,255}$/

/** The SMTP transport: the `smtpUrl` setting, from `PLUME_SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…`). */
function transport(app: PlumeApp): Transporter {
  const url = app.get('smtpUrl')
  if (!url) throw new PermanentJobError('email is not configured: set PLUME_SMTP_URL')
  return createTransport(url)
}

interface Mail {
  to: string
  userId?: number
  subject: string
  html: string
  text: string
}

async function mails(
  spec: ActionSpec,
  run: ActionRun,
): Promise<{
  mails: Mail[]
  skipped: Array<{ userId: number; reason: string }>
  noRecipients?: NoRecipients
}> {
  const out: Mail[] = []
  const skipped: Array<{ userId: number; reason: string }> = []
  const build = (to: string, context: Record<string, unknown>, userId?: number) => {
    const html = render(String(spec.body ?? ''), context, 'html')
    out.push({
      to,
      ...(userId ? { userId } : {}),
      subject: render(String(spec.subject), context, 'line').slice(0, 250),
      html,
      text: render(String(spec.body ?? '').replace(/<[^>]*>/g, ''), context, 'plain'),
    })
  }
  // users and role holders: each sees only what they may read
  const users = await recipients(run.db, spec, run.context)
  for (const user of users) {
    const context = contextFor(run.app, user, run.context, run.entities)
    if (!context) skipped.push({ userId: user.id, reason: 'may not read the record' })
    else if (user.email) build(user.email, context, user.id)
  }
  // literal addresses were chosen by the admin who wrote the rule
  for (const a of (fill(spec.to ?? [], run.context) as unknown[]) ?? []) {
    const to = String(a ?? '').trim()
    if (EMAIL.test(to) && !out.some((m) => m.to === to)) build(to, run.context)
  }
  return {
    mails: out,
    skipped,
    ...(out.length === 0 ? { noRecipients: noRecipients(spec, run.context, users.length) } : {}),
  }
}

/**
 * `email`: `{ type: 'email', to?: ['ops@example.com'], users?, roles?, subject, body }` — one
 * message per recipient over SMTP (nodemailer); the body is HTML with every value escaped.
 */
export const emailAction: ActionExecutor = {
  type: 'email',
  retry: { maxAttempts: 6, backoffMs: 30_000 },
  validate(spec) {
    const errs = recipientErrors(spec, false)
    const to = spec.to
    if (
      to !== undefined &&
      (!Array.isArray(to) ||
        to.some((t) => typeof t !== 'string' || !(EMAIL.test(t) || /^\{\{[^{}]+\}\}$/.test(t))))
    )
      errs.push({ path: '/to', message: 'must be a list of e-mail addresses or placeholders' })
    if (
      !(Array.isArray(to) && to.length) &&
      !(Array.isArray(spec.users) && spec.users.length) &&
      !(Array.isArray(spec.roles) && spec.roles.length)
    )
      errs.push({ path: '', message: 'needs to, users or roles' })
    if (typeof spec.subject !== 'string' || spec.subject.length === 0 || spec.subject.length > 250)
      errs.push({ path: '/subject', message: 'must be a text of 1 to 250 characters' })
    if (typeof spec.body !== 'string' || spec.body.length > 50000)
      errs.push({ path: '/body', message: 'must be a text of at most 50000 characters' })
    for (const k of Object.keys(spec))
      if (!['type', 'to', 'users', 'roles', 'subject', 'body'].includes(k))
        errs.push({ path: `/${k}`, message: 'is not allowed' })
    return errs
  },
  async preview(spec, run) {
    return mails(spec, run)
  },
  async execute(spec, run) {
    const { mails: list, skipped, noRecipients: none } = await mails(spec, run)
    if (list.length === 0) return { sent: [], skipped, ...(none ? { noRecipients: none } : {}) }
    const t = transport(run.app)
    const from = process.env.PLUME_SMTP_FROM ?? 'Plume <no-reply@plume.local>'
    const sent: string[] = []
    try {
      for (const m of list) {
        await t.sendMail({
          from,
          to: m.to,
          subject: m.subject,
          html: m.html,
          text: m.text,
          headers: { 'X-Plume-Rule': run.rule.name },
        })
        sent.push(m.to)
      }
    } finally {
      t.close()
    }
    return { sent, skipped }
  },
}
