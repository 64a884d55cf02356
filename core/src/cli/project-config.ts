/** `plume.config.json`: the project's settings file, read by `npm start` and the CLIs. */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The file's name; it is looked for in the project directory (the working directory). */
export const PROJECT_CONFIG_FILE = 'plume.config.json'

export interface ProjectConfig {
  /** Plugins run besides the plugin folders: npm package names, or paths relative to the file. */
  plugins: string[]
}

/** Thrown when `plume.config.json` is not valid; the message names the file and the setting. */
export class ProjectConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProjectConfigError'
  }
}

const KNOWN = ['plugins']

/**
 * Reads `<dir>/plume.config.json` (no file: no settings). Unknown settings and malformed values
 * stop start-up rather than being ignored.
 * @example const { plugins } = readProjectConfig() // { "plugins": ["@acme/plume-plugin-loyalty"] }
 */
export function readProjectConfig(dir: string = process.cwd()): ProjectConfig {
  const file = join(dir, PROJECT_CONFIG_FILE)
  if (!existsSync(file)) return { plugins: [] }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ProjectConfigError(
      `${file}: invalid JSON (${err instanceof Error ? err.message : String(err)})`,
    )
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ProjectConfigError(
      `${file}: must hold a JSON object such as {"plugins": ["@acme/plume-plugin-loyalty"]}`,
    )
  const unknown = Object.keys(raw).filter((k) => !KNOWN.includes(k))
  if (unknown.length)
    throw new ProjectConfigError(`${file}: unknown setting "${unknown[0]}" (known: ${KNOWN.join(', ')})`)
  const plugins = (raw as { plugins?: unknown }).plugins ?? []
  if (!Array.isArray(plugins) || plugins.some((p) => typeof p !== 'string' || !p.trim())) {
    throw new ProjectConfigError(`${file}: "plugins" must be a list of npm package names or paths`)
  }
  // a path is relative to the file's folder; a package name resolves from the working directory
  return { plugins: plugins.map((p: string) => (p.startsWith('.') ? resolve(dir, p) : p.trim())) }
}
