/**
 * Demo users: each plugin's seed creates the users of its roles (a warehouse clerk, a finance
 * clerk, sales reps …). All demo users of one start share one generated password; the host
 * prints the logins once, after seeding, so every role can be tried at once.
 */
import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'

export interface DemoUser {
  email: string
  name: string
  roles: string[]
  partnerId?: number | null
  locale?: 'en' | 'zh-CN'
}

/** A demo login: who can sign in, and with which roles. */
export interface DemoLogin {
  id: number
  email: string
  roles: string[]
}

interface DemoState {
  password: string
  logins: DemoLogin[]
  printed: number
}

const states = new WeakMap<PlumeApp, DemoState>()

function stateOf(app: PlumeApp): DemoState {
  let s = states.get(app)
  if (!s) {
    s = { password: randomBytes(9).toString('base64url'), logins: [], printed: 0 }
    states.set(app, s)
  }
  return s
}

/**
 * Creates demo users through the users service (hashing, validation and audit as for any user)
 * and answers their ids in order.
 * @example const [clerk] = await createDemoUsers(ctx.app, [{ email: 'warehouse@demo.plume.local', name: 'Warehouse clerk', roles: ['warehouse'] }])
 */
export async function createDemoUsers(app: PlumeApp, users: readonly DemoUser[]): Promise<number[]> {
  const s = stateOf(app)
  // together: the password hashing (scrypt on the libuv pool) dominates and runs in parallel
  const rows = (await Promise.all(
    users.map((u) =>
      app.service('api/users').create({ locale: 'en', ...u, password: s.password, active: true }),
    ),
  )) as Array<{ id: number }>
  rows.forEach((row, i) => s.logins.push({ id: row.id, email: users[i]!.email, roles: [...users[i]!.roles] }))
  return rows.map((r) => r.id)
}

/** The demo logins created on this app so far and their shared password (tests sign in with them). */
export function demoLogins(app: PlumeApp): { password: string; logins: readonly DemoLogin[] } {
  const s = stateOf(app)
  return { password: s.password, logins: s.logins }
}

/**
 * The start-up lines for the demo logins not printed yet (none when there are none): the shared
 * password, then one line per role with its e-mails; shown once.
 */
export function demoLoginLines(app: PlumeApp): string[] {
  const s = stateOf(app)
  const fresh = s.logins.slice(s.printed)
  if (!fresh.length) return []
  s.printed = s.logins.length
  const byRole = new Map<string, string[]>()
  for (const l of fresh) for (const role of l.roles) byRole.set(role, [...(byRole.get(role) ?? []), l.email])
  return [
    `demo logins (shown once), password for all of them: ${s.password}`,
    ...[...byRole].map(([role, emails]) => `demo login ${role}: ${emails.join(', ')}`),
  ]
}

/**
 * The first user (by id) holding the first of `roles` anybody holds, or null: who approved the
 * demo data's limits and payouts.
 * @example const approver = await firstUserWithRole(ctx.knex, 'finance', 'admin')
 */
export async function firstUserWithRole(knex: Knex, ...roles: string[]): Promise<number | null> {
  const users = (await knex('users').select('id', 'roles').orderBy('id')) as Array<{
    id: number
    roles: string[] | string | null
  }>
  const rolesOf = (u: { roles: string[] | string | null }) =>
    typeof u.roles === 'string' ? (JSON.parse(u.roles) as string[]) : (u.roles ?? [])
  for (const role of roles) {
    const hit = users.find((u) => rolesOf(u).includes(role))
    if (hit) return hit.id
  }
  return null
}
