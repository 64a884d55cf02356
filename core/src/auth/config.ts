/** Authentication settings, from the environment with safe defaults. */
export interface AuthConfig {
  /** Access token lifetime in seconds (`PLUME_ACCESS_TTL`, default 15 min). */
  accessTtl: number
  /** Refresh token lifetime in seconds (`PLUME_REFRESH_TTL`, default 30 days). */
  refreshTtl: number
  throttle: ThrottleConfig
  /** How often each instance reads the shared revocation log, in ms. */
  revocationSyncMs: number
  /** At most one `lastUsedAt` write per API key per this many seconds. */
  apiKeyTouchSeconds: number
}

export interface ThrottleConfig {
  /** Failed logins per account (email) within `windowSeconds` before the account is locked. */
  maxPerAccount: number
  /** Failed logins per client address within `windowSeconds` before the address is locked. */
  maxPerIp: number
  windowSeconds: number
  lockSeconds: number
  /** Extra delay per failure (beyond the second) on failed answers, capped at `maxDelayMs`. */
  delayMs: number
  maxDelayMs: number
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }

/**
 * Seconds in a duration: a number of seconds or a number with a unit `s`, `m`, `h` or `d`.
 * @example parseDuration('15m') === 900
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.floor(value)
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(String(value))
  const n = m ? Number(m[1]) * (UNITS[m[2] || 's'] ?? 1) : NaN
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`Invalid duration "${String(value)}" (use e.g. 900, 15m, 1h, 30d)`)
  return n
}

const int = (v: string | undefined, fallback: number) => (v && /^\d+$/.test(v) ? Number(v) : fallback)

/** The configuration for an app; `accessTtl` from createApp options wins over the environment. */
export function authConfig(env: NodeJS.ProcessEnv = process.env, accessTtl?: string | number): AuthConfig {
  return {
    accessTtl: parseDuration(accessTtl ?? env.PLUME_ACCESS_TTL ?? '15m'),
    refreshTtl: parseDuration(env.PLUME_REFRESH_TTL ?? '30d'),
    throttle: {
      maxPerAccount: int(env.PLUME_LOGIN_MAX_FAILURES, 5),
      maxPerIp: int(env.PLUME_LOGIN_MAX_FAILURES_IP, 20),
      windowSeconds: parseDuration(env.PLUME_LOGIN_WINDOW ?? '15m'),
      lockSeconds: parseDuration(env.PLUME_LOGIN_LOCK ?? '15m'),
      delayMs: int(env.PLUME_LOGIN_DELAY_MS, 250),
      maxDelayMs: 2000,
    },
    revocationSyncMs: 1000,
    apiKeyTouchSeconds: 60,
  }
}
