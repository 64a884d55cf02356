/**
 * `npm run plume -- <command>`: the Plume command line. Commands:
 * `metadata snapshot|diff|apply` (core/src/cli/metadata-command.ts), `backup`, `restore`, `drill`
 * (core/src/cli/backup-command.ts).
 */
import { BACKUP_COMMANDS, backupCli } from './backup-command.js'
import { metadataCli } from './metadata-command.js'

const args = process.argv.slice(2)
const run = (BACKUP_COMMANDS as readonly string[]).includes(args[0] ?? '') ? backupCli : metadataCli

run(args).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
