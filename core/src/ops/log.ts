import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
}
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'module'])

/**
 * One pino JSON line as a short human line: `12:04:05 INFO  msg key=value …`; a request line
 * reads `GET /api/customers/:id 200 3.1 ms user=7 req=…`.
 */
export function humanLine(json: string): string {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json
  }
  const time = new Date(Number(o.time) || Date.now()).toISOString().slice(11, 19)
  const level = LEVELS[Number(o.level)] ?? String(o.level)
  if (o.msg === 'request') {
    return `${time} ${level} ${String(o.method)} ${String(o.route)} ${String(o.status)} ${String(o.ms)} ms${o.user ? ` user=${String(o.user)}` : ''}${o.reqId ? ` req=${String(o.reqId)}` : ''}`
  }
  const extra = Object.entries(o)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return `${time} ${level} ${typeof o.msg === 'string' ? o.msg : ''}${extra.length ? ' ' + extra.join(' ') : ''}`
}

/**
 * The process logger: JSON lines (one per request, for log shippers) unless standard output is a
 * terminal — then short human lines. `PLUME_LOG_FORMAT=json|pretty` overrides the choice;
 * `LOG_LEVEL` sets the level (`info`).
 * @example const logger = createLogger()
 */
export function createLogger(
  env: NodeJS.ProcessEnv = process.env,
  out: NodeJS.WriteStream = process.stdout,
): Logger {
  const level = env.LOG_LEVEL ?? 'info'
  const pretty = env.PLUME_LOG_FORMAT === 'pretty' || (env.PLUME_LOG_FORMAT !== 'json' && out.isTTY === true)
  if (!pretty) return pino({ level })
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) out.write(humanLine(line) + '\n')
      done()
    },
  })
  return pino({ level }, stream)
}

/**
 * Where the migrator's messages go: each SQL statement at debug (`LOG_LEVEL=debug` shows them),
 * the summary and warnings at info.
 * @example migrate(knex, entities, { log: migrationLog(logger) })
 */
export function migrationLog(logger: Logger): (msg: string) => void {
  return (msg) => (/^migrate (?!warning:)[^\s:]+: /.test(msg) ? logger.debug(msg) : logger.info(msg))
}
