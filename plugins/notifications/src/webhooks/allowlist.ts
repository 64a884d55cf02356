import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { auditAdminChange, type PlumeApp } from '@plume/core'
import { allowlistDocs } from './docs.js'

export const ALLOWLIST_TABLE = 'plume_webhook_allowlist'
export const ALLOWLIST_PATH = 'api/webhook-allowlist'

const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253}|[0-9a-f:]+)$/

/** Creates the allow-list table (hosts an admin lets webhooks reach although they are not public). */
export async function ensureAllowlist(knex: Knex | Knex.Transaction): Promise<void> {
  if (await knex.schema.hasTable(ALLOWLIST_TABLE)) return
  await knex.schema.createTable(ALLOWLIST_TABLE, (t) => {
    t.text('host').primary()
    t.text('note').nullable()
    t.timestamp('createdAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
  })
}

/** Allow-listed hosts: `PLUME_WEBHOOK_ALLOW_HOSTS` (comma-separated) plus the table. */
export async function allowedHosts(knex: Knex): Promise<Set<string>> {
  const env = (process.env.PLUME_WEBHOOK_ALLOW_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean)
  const rows = (await knex(ALLOWLIST_TABLE).pluck('host')) as string[]
  return new Set([...env, ...rows].map((h) => h.replace(/^\[|\]$/g, '')))
}

/**
 * `api/webhook-allowlist` (admins): `POST {host, note?}`, `GET`, `DELETE /:host`. With `app`, each
 * change is audited (`entity: 'webhookAllowlist'`) in its transaction.
 * @example await app.service('api/webhook-allowlist').create({ host: '127.0.0.1', note: 'test receiver' })
 */
export function allowlistService(knex: Knex, app?: PlumeApp) {
  const audit = (
    trx: Knex.Transaction,
    action: string,
    host: string,
    before: unknown,
    after: unknown,
    params?: Params,
  ) =>
    app
      ? auditAdminChange(
          app,
          {
            action,
            entity: 'webhookAllowlist',
            recordId: host,
            ...(before ? { before: before as Record<string, unknown> } : {}),
            ...(after ? { after: after as Record<string, unknown> } : {}),
            ...(params ? { params } : {}),
          },
          trx,
        )
      : undefined
  return {
    docs: allowlistDocs,
    async find(_params?: Params) {
      return knex(ALLOWLIST_TABLE).orderBy('host')
    },
    async create(data: unknown, params?: Params) {
      const d = (data ?? {}) as { host?: unknown; note?: unknown }
      const host =
        typeof d.host === 'string'
          ? d.host
              .trim()
              .toLowerCase()
              .replace(/^\[|\]$/g, '')
          : ''
      if (!HOST.test(host))
        throw new BadRequest('Invalid data: host must be a host name or IP address', {
          errors: [{ path: '/host', message: 'must be a host name or IP address' }],
        })
      if (d.note !== undefined && (typeof d.note !== 'string' || d.note.length > 500))
        throw new BadRequest('Invalid data: note', {
          errors: [{ path: '/note', message: 'must be a text of at most 500 characters' }],
        })
      return knex.transaction(async (trx) => {
        const before = (await trx(ALLOWLIST_TABLE).where({ host }).first('host', 'note')) as unknown
        const [row] = (await trx(ALLOWLIST_TABLE)
          .insert({ host, note: (d.note as string | undefined) ?? null })
          .onConflict('host')
          .merge()
          .returning('*')) as Array<{ host: string; note: string | null }>
        await audit(
          trx,
          before ? 'patch' : 'create',
          host,
          before,
          { host: row!.host, note: row!.note },
          params,
        )
        return row
      })
    },
    async remove(id: Id | null, params?: Params) {
      const host = String(id ?? '').toLowerCase()
      return knex.transaction(async (trx) => {
        const [row] = (await trx(ALLOWLIST_TABLE).where({ host }).delete().returning('*')) as Array<{
          host: string
          note: string | null
        }>
        if (!row) throw new NotFound(`${host} is not allow-listed`)
        await audit(trx, 'remove', host, { host: row.host, note: row.note }, undefined, params)
        return row
      })
    },
  }
}
