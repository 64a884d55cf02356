import { readFileSync } from 'node:fs'
import { createServer as createHttps } from 'node:https'
import type { Server } from 'node:http'
import type { PlumeApp } from '../kernel/types.js'

/**
 * Listens: HTTPS with the PEM certificate and key of `PLUME_TLS_CERT` / `PLUME_TLS_KEY` when
 * both are set (read once, at start), plain HTTP otherwise (behind a TLS-terminating proxy).
 * socket.io and the REST API share the server either way.
 * @example const server = await listenApp(app, 3030, '127.0.0.1')
 */
export async function listenApp(app: PlumeApp, port: number, host: string): Promise<Server> {
  const tls = app.get('ops')?.tls
  let server: Server
  if (tls) {
    let cert: Buffer, key: Buffer
    try {
      cert = readFileSync(tls.certFile)
      key = readFileSync(tls.keyFile)
    } catch (err) {
      throw new Error(
        `PLUME_TLS_CERT / PLUME_TLS_KEY: cannot read ${(err as { path?: string }).path ?? 'the files'} (${(err as { code?: string }).code ?? 'error'})`,
      )
    }
    const https = createHttps({ cert, key }, app.callback())
    ;(app as unknown as { server: Server }).server = https
    await app.setup(https)
    server = https.listen(port, host) as unknown as Server
  } else {
    server = await app.listen(port, host)
  }
  if (!server.listening)
    await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject))
  return server
}
