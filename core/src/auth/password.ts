import { BadRequest } from '@feathersjs/errors'
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Password hashing with scrypt from node:crypto (native, runs on the libuv pool, so a login never
 * blocks the event loop). Parameters follow OWASP's scrypt guidance (N=2^15, r=8, p=3: 32 MiB,
 * ~0.1–0.3 s); they are stored in the hash, so raising them later keeps old hashes valid.
 * Hashes written by the earlier bcrypt hook (`$2a$`/`$2b$`) still verify and are upgraded on the
 * next successful login.
 */
const LOG_N = 15
const R = 8
const P = 3
const KEY_LEN = 32

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, keyLen, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

const maxmem = (logN: number, r: number) => 256 * 2 ** logN * r

/**
 * Hashes a password: `$scrypt$ln=15,r=8,p=3$<salt>$<hash>` (base64url).
 * @example const stored = await hashPassword('correct-Horse-9')
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_LEN, { N: 2 ** LOG_N, r: R, p: P, maxmem: maxmem(LOG_N, R) })
  return `$scrypt$ln=${LOG_N},r=${R},p=${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

const SCRYPT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/

/** True when `password` matches `stored`; never throws on a malformed hash (it just fails). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false
  const m = SCRYPT.exec(stored)
  if (m) {
    const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
    if (logN < 10 || logN > 20 || r < 1 || p < 1) return false
    const expected = Buffer.from(m[5]!, 'base64url')
    const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), expected.length, {
      N: 2 ** logN,
      r,
      p,
      maxmem: maxmem(logN, r),
    })
    return key.length === expected.length && timingSafeEqual(key, expected)
  }
  if (/^\$2[aby]\$\d\d\$/.test(stored)) {
    const bcrypt = await import('bcryptjs')
    return bcrypt.compare(password, stored)
  }
  return false
}

/** True for hashes weaker than today's parameters (bcrypt, smaller scrypt cost). */
export function needsRehash(stored: string): boolean {
  const m = SCRYPT.exec(stored)
  return !m || Number(m[1]) < LOG_N || Number(m[2]) < R || Number(m[3]) < P
}

// a real hash of a random password: logins for unknown emails cost the same time as real ones
let dummy: Promise<string> | undefined
/** Burns the time of one verification (unknown account), so timing does not reveal existence. */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'))
  await verifyPassword(typeof password === 'string' ? password : '', await dummy)
  return false
}

export const PASSWORD_MIN_LENGTH = 10

/**
 * Why a password is refused, or undefined when it is acceptable: at least 10 characters, at
 * least one letter and one digit, and not the account's email.
 * @example passwordProblem('short1', 'a@b.c') // 'must be at least 10 characters long'
 */
export function passwordProblem(password: unknown, email?: unknown): string | undefined {
  if (typeof password !== 'string') return 'must be a string'
  if ([...password].length < PASSWORD_MIN_LENGTH)
    return `must be at least ${PASSWORD_MIN_LENGTH} characters long`
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) return 'must contain both letters and digits'
  if (typeof email === 'string' && password.trim().toLowerCase() === email.trim().toLowerCase())
    return 'must not be the email address'
  return undefined
}

/** Throws 400 naming `/password` when the policy refuses `password`. */
export function assertPasswordPolicy(password: unknown, email?: unknown): void {
  const problem = passwordProblem(password, email)
  if (problem)
    throw new BadRequest(`Invalid data: password ${problem}`, {
      errors: [{ path: '/password', message: problem }],
    })
}
