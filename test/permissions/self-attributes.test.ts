import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'

/**
 * Users carry admin-set `attributes` that rules read as theirs (the user's warehouse). The shipped
 * `users-self-password` rule lists them read-only, but defaults are seeded once: a database seeded
 * before that keeps the old rule. After a start such a user still cannot set their own attributes.
 */
const OLD_READ_ONLY = ['email', 'roles', 'partnerId', 'active']
const user = { email: 'self@attr.test', password: 'Self-Attr-Secret-1' }

async function addUser(p: TestPlatform): Promise<number> {
  const u = (await p.app.service('api/users').create({
    ...user,
    name: 'Self',
    roles: ['warehouse'],
    locale: 'en',
    active: true,
    attributes: { warehouseId: 1 },
  })) as { id: number }
  return u.id
}

/** The user's own PATCH of `attributes` is refused naming the field, and nothing changes. */
async function expectSelfAttributesRefused(p: TestPlatform, id: number): Promise<void> {
  const token = await p.login(user.email, user.password)
  const res = await p.http('PATCH', `/api/users/${id}`, { attributes: { warehouseId: 99 } }, token)
  expect(res.status).toBe(403)
  expect(JSON.stringify(res.body)).toMatch(/attributes/)
  const both = await p.http(
    'PATCH',
    `/api/users/${id}`,
    { name: 'Renamed', attributes: { warehouseId: 99 } },
    token,
  )
  expect(both.status).toBe(403)
  const row = (await p.db.knex('users').where({ id }).first('name', 'attributes')) as {
    name: string
    attributes: unknown
  }
  const attrs = typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes
  expect(attrs).toEqual({ warehouseId: 1 })
  expect(row.name).toBe('Self')
  // their own name is still theirs to change
  expect((await p.http('PATCH', `/api/users/${id}`, { name: 'Renamed' }, token)).status).toBe(200)
}

const storedRule = async (p: TestPlatform) => {
  const r = (await p.db
    .knex('plume_rules')
    .where({ name: 'users-self-password' })
    .first('definition', 'version', 'updatedBy')) as {
    definition: unknown
    version: number
    updatedBy: number | null
  }
  return {
    ...r,
    definition: (typeof r.definition === 'string' ? JSON.parse(r.definition) : r.definition) as {
      fields: { readOnly: string[] }
    },
  }
}

describe('a user cannot set their own attributes', () => {
  it('an unedited old users-self-password rule is upgraded at start; the user is refused', async () => {
    const shared = await testDatabase()
    const dir = mkdtempSync(join(tmpdir(), 'plume-attrs-'))
    const database = shared.kind === 'postgres' ? shared.options : { dataDir: dir }
    try {
      const a = await startTestPlatform({ database })
      const id = await addUser(a)
      // the database as seeded before `attributes` was read-only: the shipped copy, version 1, saved by nobody
      const old = await storedRule(a)
      const oldDefinition = { ...old.definition, fields: { readOnly: OLD_READ_ONLY } }
      await a.db
        .knex('plume_rules')
        .where({ name: 'users-self-password' })
        .update({ definition: JSON.stringify(oldDefinition), version: 1, updatedBy: null })
      await a.close()

      const b = await startTestPlatform({ database })
      try {
        const now = await storedRule(b)
        expect(now.version).toBe(2)
        expect(now.updatedBy).toBeNull()
        expect(now.definition.fields.readOnly).toContain('attributes')
        const history = await b.db
          .knex('plume_rule_versions')
          .where({ name: 'users-self-password' })
          .orderBy('id')
          .pluck('change')
        expect(history.at(-1)).toBe('upgrade')
        await expectSelfAttributesRefused(b, id)
      } finally {
        await b.close()
      }
    } finally {
      await shared.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 600_000)

  it('a rule an admin edited is left alone, and still the user cannot set their own attributes', async () => {
    const p = await startTestPlatform()
    try {
      const id = await addUser(p)
      const admin = await p.login()
      const rule = (await p.http('GET', '/api/rules?name=users-self-password', undefined, admin))
        .body as Array<{ id: number; definition: Record<string, unknown> }>
      const edited = await p.http(
        'PATCH',
        `/api/rules/${rule[0]!.id}`,
        { definition: { ...rule[0]!.definition, fields: { readOnly: OLD_READ_ONLY } } },
        admin,
      )
      expect(edited.status, JSON.stringify(edited.body)).toBe(200)
      expect((await storedRule(p)).definition.fields.readOnly).toEqual(OLD_READ_ONLY)
      await expectSelfAttributesRefused(p, id)
      // an admin still sets them
      const set = await p.http('PATCH', `/api/users/${id}`, { attributes: { warehouseId: 2 } }, admin)
      expect(set.status).toBe(200)
      expect(set.body.attributes).toEqual({ warehouseId: 2 })
    } finally {
      await p.close()
    }
  }, 600_000)
})
