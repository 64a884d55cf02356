/**
 * The dashboard shows its numbers first: chart cards wait until every KPI card has its figure
 * (or failed), so the KPI requests are not queued behind the charts' and ECharts loads after.
 * Pure (no Vue): HomeView provides one gate per load, cards use it.
 */
export interface Gate {
  /** A KPI card finished (with a figure or an error). */
  done(): void
  /** Resolves once every KPI card is done. */
  wait(): Promise<void>
}

/**
 * A gate that opens after `count` calls of `done()` (at once when `count` is 0).
 * @example const g = createGate(2); g.done(); g.done(); await g.wait()
 */
export function createGate(count: number): Gate {
  let left = count
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  if (left <= 0) open()
  return {
    done() {
      left--
      if (left === 0) open()
    },
    wait: () => opened,
  }
}

/** The injection key of the dashboard's gate. */
export const GATE_KEY = Symbol('dashboard-gate')
