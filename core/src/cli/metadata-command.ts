/**
 * The `metadata` command of `npm run plume -- metadata snapshot|diff|apply [--dir plume-metadata] [--confirm entity:step,…]`:
 * metadata as code against the database of `DATABASE_URL` / `PLUME_DATA_DIR` (README, docs/metadata.md).
 * - `snapshot` writes the running model's custom entities and customizations as files in `--dir`;
 * - `diff` prints what applying `--dir` would change here (JSON); exit code 0 when nothing, 3 when something;
 * - `apply` applies `--dir` in one transaction (destructive steps named in `--confirm`).
 */
import { databaseOptionsFromEnv } from '../db/connect.js'
import { readSnapshotFiles, writeSnapshotFiles } from '../metadata-api/files.js'
import { runSnapshot, takeSnapshot } from '../metadata-api/index.js'
import { createPlatform } from '../platform.js'
import { pino } from 'pino'
import { readProjectConfig } from './project-config.js'

const USAGE = 'usage: plume metadata snapshot|diff|apply [--dir <folder>] [--confirm <entity>:<step>,…]'

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

/** Runs one command; answers the exit code. */
export async function metadataCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  print: (s: string) => void = console.log,
): Promise<number> {
  const [topic, command] = args
  if (topic !== 'metadata' || !command || !['snapshot', 'diff', 'apply'].includes(command)) {
    print(USAGE)
    return 2
  }
  const dir = option(args, '--dir') ?? 'plume-metadata'
  const confirm = (option(args, '--confirm') ?? '').split(',').filter(Boolean)
  const platform = await createPlatform({
    database: databaseOptionsFromEnv(env),
    logger: pino({ level: env.LOG_LEVEL ?? 'warn' }),
    admin: { email: env.PLUME_ADMIN_EMAIL, password: env.PLUME_ADMIN_PASSWORD },
    plugins: readProjectConfig().plugins,
    demo: false,
  })
  try {
    const rt = platform.app.get('metadataRuntime')
    if (!rt) throw new Error('the platform runs no metadata runtime')
    if (command === 'snapshot') {
      const snap = await takeSnapshot(rt)
      writeSnapshotFiles(dir, snap)
      print(
        `wrote ${Object.keys(snap.custom).length} custom entities and ${Object.keys(snap.customizations).length} customizations to ${dir}`,
      )
      return 0
    }
    const result = await runSnapshot(rt, readSnapshotFiles(dir), { apply: command === 'apply', confirm })
    print(JSON.stringify(result, null, 2))
    return command === 'diff' && !result.empty ? 3 : 0
  } finally {
    await platform.close()
  }
}
