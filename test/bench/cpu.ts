import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'

/** CPU time in milliseconds: this process, every `postgres` process on the machine, the whole machine. */
export interface CpuSample {
  node: number
  postgres: number | null
  machine: number | null
}

const TICK_MS = 10 // USER_HZ is 100 on Linux

/** Sum of user + system time of the processes named `postgres` (a local server), from /proc. */
function postgresMs(): number | null {
  let dirs: string[]
  try {
    dirs = readdirSync('/proc')
  } catch {
    return null
  }
  let ticks = 0
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      if (!stat.includes('(postgres)')) continue
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(f[11]) + Number(f[12])
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * TICK_MS
}

/** Busy time of all cores (everything but idle and iowait), from /proc/stat. */
function machineMs(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number)
    return (f.reduce((a, b) => a + b, 0) - f[3]! - f[4]!) * TICK_MS
  } catch {
    return null
  }
}

export function cpuSample(): CpuSample {
  const u = process.cpuUsage()
  return { node: (u.user + u.system) / 1000, postgres: postgresMs(), machine: machineMs() }
}

/**
 * CPU per operation between two samples, and the rate the whole machine could sustain at that
 * cost with every core busy (PostgreSQL's processes that ended meanwhile are not counted).
 */
export function cpuPer(
  a: CpuSample,
  b: CpuSample,
  ops: number,
): { node: number; postgres: number | null; machine: number | null; ceiling: number | null } {
  const per = (x: number | null, y: number | null) => (x === null || y === null ? null : (y - x) / ops)
  const machine = per(a.machine, b.machine)
  return {
    node: (b.node - a.node) / ops,
    postgres: per(a.postgres, b.postgres),
    machine,
    ceiling: machine ? (availableParallelism() * 1000) / machine : null,
  }
}
