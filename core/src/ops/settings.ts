import type { Metrics } from './metrics.js'
import type { SystemSampler } from './system.js'

/** Operations settings, from the environment (README, "Configuration"; docs/operations.md). */
export interface OpsSettings {
  /** `PLUME_METRICS_TOKEN`: `/metrics` answers a request bearing it (`Authorization: Bearer …`). */
  metricsToken?: string
  /** `PLUME_METRICS_LISTEN` (`host:port`): a second listener serving only `/metrics`, without token. */
  metricsListen?: { host: string; port: number }
  /** `REDIS_URL`: service events are shared with the other instances through Redis. */
  redisUrl?: string
  /** `PLUME_TLS_CERT` / `PLUME_TLS_KEY`: files of a PEM certificate (chain) and key; HTTPS when both are set. */
  tls?: { certFile: string; keyFile: string }
  /** `PLUME_SYSTEM_SAMPLE_MS`: how often CPU, memory, disk, lag, errors and queue are sampled as facts. */
  systemSampleMs: number
  /** `PLUME_DATA_DIR`, else the working directory: the volume whose free space is measured. */
  dataDir: string
}

declare module '../kernel/settings.js' {
  interface PlumeSettings {
    ops?: OpsSettings
    metrics?: Metrics
    systemSampler?: SystemSampler
  }
}

/**
 * Reads the operations settings; a malformed `PLUME_METRICS_LISTEN` or half a TLS pair is refused
 * at start-up with a message naming the setting (never a silent fallback to plain HTTP).
 * @example opsSettingsFromEnv({ PLUME_METRICS_TOKEN: 's3cret' }).metricsToken // 's3cret'
 */
export function opsSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OpsSettings {
  const out: OpsSettings = {
    systemSampleMs: Number(env.PLUME_SYSTEM_SAMPLE_MS) > 0 ? Number(env.PLUME_SYSTEM_SAMPLE_MS) : 60_000,
    dataDir: dataDirOf(env),
  }
  if (env.PLUME_METRICS_TOKEN) out.metricsToken = env.PLUME_METRICS_TOKEN
  if (env.PLUME_METRICS_LISTEN) {
    const m = /^(.*):(\d{1,5})$/.exec(env.PLUME_METRICS_LISTEN)
    const port = Number(m?.[2])
    if (!m || port > 65535)
      throw new Error(
        `PLUME_METRICS_LISTEN must be host:port (e.g. 127.0.0.1:9464), not "${env.PLUME_METRICS_LISTEN}"`,
      )
    out.metricsListen = { host: m[1] || '127.0.0.1', port }
  }
  if (env.REDIS_URL) out.redisUrl = env.REDIS_URL
  if (Boolean(env.PLUME_TLS_CERT) !== Boolean(env.PLUME_TLS_KEY))
    throw new Error('PLUME_TLS_CERT and PLUME_TLS_KEY go together: set both (PEM files) or neither')
  if (env.PLUME_TLS_CERT && env.PLUME_TLS_KEY)
    out.tls = { certFile: env.PLUME_TLS_CERT, keyFile: env.PLUME_TLS_KEY }
  return out
}

function dataDirOf(env: NodeJS.ProcessEnv): string {
  const dir = env.PLUME_DATA_DIR || './data'
  return env.DATABASE_URL || dir === 'memory' || dir === ':memory:' ? '.' : dir
}
