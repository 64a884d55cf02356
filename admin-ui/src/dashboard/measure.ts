import type { DashboardCard, Row } from '../types/meta'
import { toCents } from '../utils/decimal'

type Measure = NonNullable<DashboardCard['measure']>

/**
 * One row's measure in cents: 1 for a count, else the field less `minus` when the card names one
 * (exact, no floats).
 * @example rowCents({ op: 'sum', field: 'total', minus: 'taxTotal' }, { id: 1, total: '113.00', taxTotal: '13.00' }) // 10000n
 */
export function rowCents(m: Measure, row: Row): bigint {
  if (m.op === 'count') return 100n
  return toCents(row[m.field ?? '']) - (m.minus ? toCents(row[m.minus]) : 0n)
}

/** The fields a card's measure reads. */
export const measureFields = (card: DashboardCard): string[] => [
  card.measure?.field ?? '',
  ...(card.measure?.minus ? [card.measure.minus] : []),
]
