/**
 * `npm run plume -- <command>`: the Plume command line. Commands: `metadata snapshot|diff|apply`
 * (core/src/cli/metadata-command.ts).
 */
import { metadataCli } from './metadata-command.js'

metadataCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
