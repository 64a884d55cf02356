import type { Platform } from '../platform.js'

/** A running platform for tests: its URL, its first admin, and HTTP helpers. */
export interface TestPlatform extends Platform {
  /** Base URL of the running HTTP server, e.g. `http://127.0.0.1:40123`. */
  url: string
  kind: 'postgres' | 'pglite'
  adminEmail: string
  adminPassword: string
  /** Logs in and returns a bearer token. */
  login(email?: string, password?: string): Promise<string>
  /** fetch against the server with JSON in and out. */
  http(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }> // eslint-disable-line @typescript-eslint/no-explicit-any
}
