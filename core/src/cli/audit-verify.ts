import { verifyAuditChain } from '../audit/verify.js'
import { connectDatabase, databaseOptionsFromEnv } from '../db/connect.js'

/**
 * `npx tsx core/src/cli/audit-verify.ts`: checks the audit hash chain of the database named by
 * `DATABASE_URL` / `PLUME_DATA_DIR` and prints the report as JSON.
 * Exit code 0 when the chain is intact, 1 when it was tampered with, 2 when it could not be read.
 */
async function main(): Promise<number> {
  const db = await connectDatabase(databaseOptionsFromEnv(process.env))
  try {
    const report = await verifyAuditChain(db.knex)
    console.log(JSON.stringify(report))
    return report.ok ? 0 : 1
  } finally {
    await db.close()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(2)
  },
)
