import type { TicketStatus } from './state-machine.js'

/** A ticket as stored. */
export interface TicketRow {
  id: number
  number: string
  customerId: number
  orderId: number | null
  priority: string
  status: TicketStatus
  assigneeId: number | null
  team: string | null
  openedAt: string | Date | null
  firstResponseDueAt: string | Date | null
  resolutionDueAt: string | Date | null
  firstRespondedAt: string | Date | null
  resolvedAt: string | Date | null
  closedAt: string | Date | null
  slaBreached: boolean
  firstResponseBreached: boolean
  resolutionBreached: boolean
  slaBreachedAt: string | Date | null
  satisfaction: number | null
  reopenCount: number
  [key: string]: unknown
}
