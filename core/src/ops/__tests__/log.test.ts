import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createLogger, humanLine, migrationLog } from '../log.js'

/** A terminal-like output collecting what is written. */
function terminal(isTTY: boolean) {
  const written: string[] = []
  const out = Object.assign(
    new Writable({ write: (c: Buffer, _e, done) => (written.push(c.toString()), done()) }),
    { isTTY },
  )
  return { out: out as unknown as NodeJS.WriteStream, written }
}

describe('logs', () => {
  it('on a terminal, start-up and request lines are short human lines', () => {
    const t = terminal(true)
    const logger = createLogger({ LOG_LEVEL: 'info' }, t.out)
    logger.info('Plume listening on http://127.0.0.1:3030 (pglite)')
    logger
      .child({ module: 'http' })
      .info(
        { reqId: 'r-1', user: '7', method: 'GET', route: '/api/customers/:id', status: 200, ms: 3.1 },
        'request',
      )
    expect(t.written).toHaveLength(2)
    expect(t.written[0]).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}Plume listening on http:\/\/127\.0\.0\.1:3030 \(pglite\)\n$/,
    )
    expect(t.written[1]).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}GET \/api\/customers\/:id 200 3\.1 ms user=7 req=r-1\n$/,
    )
  })

  it('PLUME_LOG_FORMAT=pretty forces human lines; json lines are parseable with every request field', () => {
    const t = terminal(false)
    createLogger({ PLUME_LOG_FORMAT: 'pretty' }, t.out).warn({ plugin: 'crm' }, 'slow')
    expect(t.written[0]).toMatch(/WARN {2}slow plugin=crm/)
    const json = JSON.stringify({
      level: 30,
      time: Date.now(),
      msg: 'request',
      method: 'POST',
      route: '/api/orders',
      status: 201,
      ms: 12,
    })
    expect(humanLine(json)).toMatch(/INFO {2}POST \/api\/orders 201 12 ms$/)
    expect(humanLine('not json')).toBe('not json')
  })

  it('migration SQL goes to debug, the summary and warnings to info', () => {
    const lines: Array<{ level: number; msg: string }> = []
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write: (c: Buffer, _e, done) => (
          lines.push(JSON.parse(c.toString()) as { level: number; msg: string }),
          done()
        ),
      }),
    )
    const log = migrationLog(logger)
    log('migrate customer: create table "customers" (id bigserial primary key)')
    log('migrate warning: column x narrowed')
    log('migrate: 3 entities changed, 10 unchanged')
    expect(lines.map((l) => [l.level, l.msg.slice(0, 16)])).toEqual([
      [20, 'migrate customer'],
      [30, 'migrate warning:'],
      [30, 'migrate: 3 entit'],
    ])
  })
})
