import {
  fill,
  PermanentJobError,
  type ActionExecutor,
  type ActionRun,
  type ActionSpec,
} from '@plume/core/internal'
import { allowedHosts } from '../webhooks/allowlist.js'
import { deliver } from '../webhooks/deliver.js'
import { SsrfError } from '../webhooks/ssrf.js'

const ENV = /^[A-Z][A-Z0-9_]{0,100}$/

function secretOf(spec: ActionSpec): string | undefined {
  if (typeof spec.secret === 'string' && spec.secret) return spec.secret
  if (typeof spec.secretEnv === 'string' && ENV.test(spec.secretEnv)) return process.env[spec.secretEnv]
  return process.env.PLUME_WEBHOOK_SECRET
}

/** The JSON body: `payload` filled from the firing (JSON-escaped by serialisation) or the record facts. */
function body(spec: ActionSpec, run: ActionRun): { body: string; deliveryId: string } {
  const deliveryId = `${run.firingId ?? 'dry'}.${run.rule.name}`
  const data =
    spec.payload !== undefined
      ? fill(spec.payload, run.context, 'raw')
      : Object.fromEntries(
          ['record', 'item', 'previous', 'event']
            .filter((k) => run.context[k] !== undefined)
            .map((k) => [k, run.context[k]]),
        )
  const payload = {
    id: deliveryId,
    rule: run.rule.name,
    ruleVersion: run.rule.version,
    firedAt: run.now.toISOString(),
    data,
  }
  return { body: JSON.stringify(payload), deliveryId }
}

/**
 * `webhook`: `{ type: 'webhook', url, secret? | secretEnv?, payload? }` — a JSON POST signed with
 * HMAC-SHA256 over `timestamp.body` (`X-Plume-Timestamp`, `X-Plume-Signature: sha256=…`), retried
 * with exponential backoff (8 attempts from 30 s), then dead-lettered (`api/alert-dead-letters`).
 * Private, loopback, link-local and metadata addresses are refused unless allow-listed.
 */
export const webhookAction: ActionExecutor = {
  type: 'webhook',
  retry: { maxAttempts: 8, backoffMs: 30_000 },
  validate(spec) {
    const errs: Array<{ path: string; message: string }> = []
    try {
      const u = new URL(String(spec.url))
      if (u.protocol !== 'http:' && u.protocol !== 'https:')
        errs.push({ path: '/url', message: 'must be an http(s) URL' })
      if (u.username || u.password) errs.push({ path: '/url', message: 'must not carry credentials' })
    } catch {
      errs.push({ path: '/url', message: 'must be an http(s) URL' })
    }
    if (spec.secret !== undefined && (typeof spec.secret !== 'string' || spec.secret.length < 16))
      errs.push({ path: '/secret', message: 'must be at least 16 characters' })
    if (spec.secretEnv !== undefined && (typeof spec.secretEnv !== 'string' || !ENV.test(spec.secretEnv)))
      errs.push({ path: '/secretEnv', message: 'must be an environment variable name' })
    for (const k of Object.keys(spec))
      if (!['type', 'url', 'secret', 'secretEnv', 'payload'].includes(k))
        errs.push({ path: `/${k}`, message: 'is not allowed' })
    return errs
  },
  async preview(spec, run) {
    const { body: b } = body(spec, run)
    return { url: spec.url, signed: Boolean(secretOf(spec)), body: JSON.parse(b) as unknown }
  },
  async execute(spec, run) {
    const secret = secretOf(spec)
    if (!secret)
      throw new PermanentJobError('webhook has no secret: set secret, secretEnv or PLUME_WEBHOOK_SECRET')
    const { body: b, deliveryId } = body(spec, run)
    try {
      return await deliver({
        url: String(spec.url),
        body: b,
        secret,
        deliveryId,
        event: run.rule.name,
        allow: await allowedHosts(run.app.get('db').knex),
        now: new Date(),
      })
    } catch (err) {
      if (err instanceof SsrfError) throw new PermanentJobError(err.message)
      throw err
    }
  },
}
