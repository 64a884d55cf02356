import type pg from 'pg'

interface ConnectionInternals {
  stream: { cork(): void; uncork(): void }
  _send(buffer: Buffer): boolean
}

/**
 * Makes a pg client send what it writes in one turn of the event loop as one socket write.
 * The driver writes each protocol message on its own (parse, bind, execute, sync: up to four
 * writes, so up to four packets and server wake-ups per query); corked, a query leaves in one.
 * Applied to every pooled connection (see `connectDatabase`).
 */
export function batchWrites(client: pg.Client): void {
  const conn = (client as unknown as { connection?: ConnectionInternals }).connection
  // a driver without the internals we rely on keeps its own behaviour
  if (!conn || typeof conn._send !== 'function' || typeof conn.stream?.cork !== 'function') return
  const send = conn._send.bind(conn)
  let corked = false
  const uncork = () => {
    corked = false
    conn.stream.uncork()
  }
  conn._send = (buffer) => {
    if (!corked) {
      corked = true
      conn.stream.cork()
      process.nextTick(uncork)
    }
    return send(buffer)
  }
}
