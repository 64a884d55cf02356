import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** A failed backup, restore or drill step; `message` is safe to print (no password, no stack). */
export class BackupError extends Error {
  constructor(
    readonly step: 'checksum' | 'dump' | 'restore' | 'counts' | 'audit' | 'target' | 'manifest',
    message: string,
  ) {
    super(message)
    this.name = 'BackupError'
  }
}

/**
 * The path of `pg_dump` / `pg_restore`: in `PLUME_PG_BIN` when set, else the first on `PATH`.
 * @example pgTool('pg_dump', process.env) // '/usr/bin/pg_dump'
 */
export function pgTool(name: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv = process.env): string {
  const dirs = env.PLUME_PG_BIN ? [env.PLUME_PG_BIN] : (env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name)
  throw new BackupError(
    'target',
    `${name} not found ${env.PLUME_PG_BIN ? `in PLUME_PG_BIN (${env.PLUME_PG_BIN})` : 'on PATH'}: install the PostgreSQL client tools (the server's major version or newer) or set PLUME_PG_BIN`,
  )
}

/**
 * The libpq environment for a `postgres://` URL: the password travels in `PGPASSWORD`, never on
 * the command line (where `ps` would show it), and the URL given to the tool has none.
 */
export function libpqArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url)
  const password = decodeURIComponent(u.password)
  u.password = ''
  return { dbname: u.toString(), env: password ? { PGPASSWORD: password } : {} }
}

/** Runs a PostgreSQL client tool; a failure becomes a BackupError with the tool's first error lines. */
export function runPgTool(
  tool: string,
  args: string[],
  url: string,
  step: BackupError['step'],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const { dbname, env: extra } = libpqArgs(url)
  return new Promise((resolve, reject) => {
    execFile(
      tool,
      [...args, '--dbname', dbname],
      { env: { ...env, ...extra }, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (!err) return resolve()
        const lines = String(stderr).split('\n').filter(Boolean).slice(0, 3).join(' | ')
        const name = tool.split('/').pop()
        reject(new BackupError(step, `${name} failed (exit ${err.code ?? '?'}): ${lines || err.message}`))
      },
    )
  })
}
