/** Which Node.js versions Plume runs on; `npm start` refuses the others before touching anything. */

/**
 * The Node.js lines Plume and every one of its dependencies support. The root package.json says
 * the same in `engines.node` (a test keeps the two equal and checks the lockfile against it).
 */
export const SUPPORTED_NODE = '^20.19.0 || ^22.13.0 || >=24.0.0'

type Version = [number, number, number]

function parse(text: string): Version {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim())
  if (!m) throw new Error(`"${text}" is not a version`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

/** One comparator set of the range: `^x.y.z` (same major, at least x.y.z) or `>=x.y.z`. */
function satisfiesPart(v: Version, part: string): boolean {
  const p = part.trim()
  if (p.startsWith('^')) {
    const min = parse(p.slice(1))
    return v[0] === min[0] && compare(v, min) >= 0
  }
  if (p.startsWith('>=')) return compare(v, parse(p.slice(2))) >= 0
  throw new Error(`unsupported range part "${p}" (use ^x.y.z or >=x.y.z)`)
}

/**
 * Whether `version` is within `range` (comparators `^x.y.z` and `>=x.y.z` joined by `||`).
 * @example nodeSatisfies('20.18.1', SUPPORTED_NODE) // false
 */
export function nodeSatisfies(version: string, range: string = SUPPORTED_NODE): boolean {
  const v = parse(version)
  return range.split('||').some((part) => satisfiesPart(v, part))
}

/**
 * The message to stop with when this Node.js is not supported, or undefined when it is.
 * @example const problem = unsupportedNode(process.versions.node); if (problem) exit(problem)
 */
export function unsupportedNode(version: string): string | undefined {
  if (nodeSatisfies(version)) return undefined
  return `Plume needs Node.js ${SUPPORTED_NODE}; this is ${version}. Install a supported Node.js (e.g. the current 22 or 24 LTS) and run again.`
}
