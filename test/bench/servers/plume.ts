// Benchmark server: the generated customers service on PostgreSQL (DATABASE_URL), port from argv.
import { pino } from 'pino'
import { createPlatform } from '@plume/core'

const port = Number(process.argv[2] ?? 3331)
const platform = await createPlatform({
  database: { url: process.env.DATABASE_URL, pool: { max: 10 } },
  logger: pino({ level: 'warn' }),
  jwtSecret: 'bench-secret',
  admin: { email: 'bench@plume.local', password: 'bench-Password-1' },
})
await platform.listen(port, '127.0.0.1')
process.send?.('ready')
