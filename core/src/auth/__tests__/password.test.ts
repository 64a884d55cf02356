import { describe, expect, it } from 'vitest'
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from '../password.js'

describe('password policy', () => {
  it.each([
    ['short-1', 'must be at least 10 characters long'],
    ['abcdefghij', 'must contain both letters and digits'],
    ['1234567890', 'must contain both letters and digits'],
    ['Me1@example.com', 'must not be the email address'],
  ])('refuses %j', (pw, message) => expect(passwordProblem(pw, 'me1@Example.com')).toBe(message))

  it('accepts letters + digits of 10 characters, any script', () => {
    expect(passwordProblem('abcdefghi1', 'a@b.c')).toBeUndefined()
    expect(passwordProblem('密码密码密码密码密码1', 'a@b.c')).toBeUndefined()
    expect(passwordProblem('admin-Secret-123', 'admin@test.local')).toBeUndefined()
  })
})

describe('password hashing', () => {
  it('hashes with salted scrypt and verifies', async () => {
    const a = await hashPassword('correct-Horse-9')
    const b = await hashPassword('correct-Horse-9')
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct-Horse-9', a)).toBe(true)
    expect(await verifyPassword('correct-Horse-8', a)).toBe(false)
    expect(needsRehash(a)).toBe(false)
  })

  it('still verifies bcrypt hashes from before, and asks to rehash them', async () => {
    const bcrypt = await import('bcryptjs')
    const old = await bcrypt.hash('legacy-Pass-1', 4)
    expect(await verifyPassword('legacy-Pass-1', old)).toBe(true)
    expect(await verifyPassword('legacy-Pass-2', old)).toBe(false)
    expect(needsRehash(old)).toBe(true)
  })

  it('fails closed on malformed hashes', async () => {
    for (const bad of ['', 'plain', '$scrypt$ln=99,r=8,p=1$AAAA$AAAA', '$scrypt$ln=15,r=8,p=3$!!$??'])
      expect(await verifyPassword('x', bad)).toBe(false)
  })
})
