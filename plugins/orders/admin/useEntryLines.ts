/**
 * The lines of the order being entered and their prices: every change recomputes the running
 * totals at once (exact cents) and asks the server for a quote a moment later; the quote's figures
 * replace the local ones for the lines it priced, unless the lines changed meanwhile.
 */
import { computed, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage, type ApiError } from '@plume/admin-ui/kit'
import { orderDiscountOf, productsByCode, quote } from './entry-api'
import {
  applyServerLine,
  emptyLine,
  entryTotals,
  parsePaste,
  pricedInput,
  withProduct,
  withQuantity,
  type EntryLine,
  type ServerLine,
} from './lines'

/** Where a quote is priced: the buyer (customer, or partner alone) and the warehouse. */
export interface QuoteTarget {
  customerId: number | null
  partnerId: number | null
  warehouseId: number | null
  /** A partner user is quoted their own partner's prices without naming a customer. */
  partnerUser: boolean
}

const QUOTE_DELAY_MS = 350

export function useEntryLines(target: () => QuoteTarget, onOtherError: (message: string) => void) {
  const { t } = useI18n()
  const lines = shallowRef<EntryLine[]>([emptyLine()])
  const orderDiscount = ref('0.00')
  const quoting = ref(false)
  const quoteBlocked = ref(false)
  const totals = computed(() => entryTotals(lines.value, orderDiscount.value))
  let version = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  function set(next: EntryLine[], requote = true): void {
    lines.value = next
    version++
    if (requote) schedule()
  }
  function setLine(i: number, line: EntryLine): void {
    const next = lines.value.slice()
    next[i] = line
    set(next)
  }

  function schedule(): void {
    clearTimeout(timer)
    timer = setTimeout(() => void quoteNow(), QUOTE_DELAY_MS)
  }

  /** Lines named by `/lines/<k>/<field>` errors (positions of the lines sent), the rest as text. */
  function showErrors(err: unknown, at: number[]): string[] {
    const list = (err as ApiError | undefined)?.errors ?? []
    const next = lines.value.slice()
    const other: string[] = []
    for (const e of list) {
      const m = /^\/lines\/(\d+)(?:\/(\w+))?/.exec(String(e.path))
      const pos = m ? at[Number(m[1])] : undefined
      const line = pos === undefined ? undefined : next[pos]
      if (line && pos !== undefined)
        next[pos] = {
          ...line,
          error: { field: m?.[2] === 'quantity' ? 'quantity' : 'sku', message: e.message },
        }
      else other.push(String(e.path).startsWith('/lines') ? `${e.path} ${e.message}` : '')
    }
    lines.value = next
    return list.length ? other.filter(Boolean) : [errorMessage(err)]
  }

  async function quoteNow(): Promise<void> {
    const where = target()
    const { at, lines: body } = pricedInput(lines.value)
    quoteBlocked.value = !where.customerId && !where.partnerId && !where.partnerUser
    if (!body.length || quoteBlocked.value) {
      if (!body.length) orderDiscount.value = '0.00'
      return
    }
    const sent = version
    quoting.value = true
    try {
      const q = await quote({
        ...(where.customerId
          ? { customerId: where.customerId }
          : where.partnerId && !where.partnerUser
            ? { partnerId: where.partnerId }
            : {}),
        ...(where.warehouseId ? { warehouseId: where.warehouseId } : {}),
        lines: body,
      })
      if (sent !== version) return
      const next = lines.value.slice()
      at.forEach((pos, k) => {
        const s = q.lines[k]
        if (s && next[pos]) next[pos] = applyServerLine(next[pos]!, s)
      })
      lines.value = next
      orderDiscount.value = orderDiscountOf(q)
    } catch (err) {
      if (sent !== version) return
      const other = showErrors(err, at)
      if (other.length) onOtherError(other.join('; '))
    } finally {
      if (sent === version) quoting.value = false
    }
  }

  /** The SKU or barcode typed on line `i`; true when it names a product. */
  async function resolveSku(i: number, text: string): Promise<boolean> {
    const code = text.trim()
    const line = lines.value[i]
    if (!line) return false
    if (!code) {
      setLine(i, { ...emptyLine(), key: line.key })
      return false
    }
    if (line.product && (line.product.sku === code || line.sku === code)) return true
    const found = (await productsByCode([code])).get(code)
    const current = lines.value[i] ?? line
    if (found) setLine(i, withProduct(current, found))
    else
      setLine(i, {
        ...current,
        sku: code,
        product: null,
        priced: false,
        error: { field: 'sku', message: t('orders.unknownSku') },
      })
    return !!found
  }

  function setQuantity(i: number, quantity: number | null): void {
    const line = lines.value[i]
    if (!line) return
    if (quantity !== null && (!Number.isInteger(quantity) || quantity < 1))
      return setLine(i, { ...line, error: { field: 'quantity', message: t('orders.badQuantity') } })
    setLine(i, withQuantity(line, quantity))
  }

  const append = () => set([...lines.value, emptyLine()], false)
  const remove = (i: number) =>
    set(lines.value.length > 1 ? lines.value.filter((_, k) => k !== i) : [emptyLine()])
  const pick = (i: number, product: Parameters<typeof withProduct>[1]) => {
    const line = lines.value[i]
    if (line) setLine(i, withProduct(line, product))
  }

  /**
   * Rows pasted from a spreadsheet, from line `i` on (an empty trailing line is reused). Unknown
   * SKUs become lines marked with the error, so nothing is dropped silently.
   */
  async function paste(
    i: number,
    text: string,
  ): Promise<{ added: number; unknown: string[]; bad: number[] }> {
    const { rows, bad } = parsePaste(text)
    const found = await productsByCode(rows.map((r) => r.sku))
    const pasted = rows.map((r) => {
      const p = found.get(r.sku)
      const line = { ...emptyLine(), sku: r.sku, quantity: r.quantity }
      return p
        ? withProduct(line, p)
        : { ...line, error: { field: 'sku' as const, message: t('orders.unknownSku') } }
    })
    const before = lines.value.slice(0, i).concat(lines.value.slice(i).filter((l) => l.product || l.sku))
    set([...before, ...pasted, emptyLine()])
    return {
      added: pasted.length,
      unknown: rows.filter((r) => !found.has(r.sku)).map((r) => r.sku),
      bad: bad.map((b) => b.row),
    }
  }

  /** Lines of a saved order (its figures as stored), then a quote for stock and current prices when it is a draft. */
  function load(saved: Array<{ line: EntryLine; server: ServerLine }>, draft: boolean): void {
    const next = saved.map(({ line, server }) => applyServerLine(line, server))
    set(draft ? [...next, emptyLine()] : next, draft)
  }

  /** The order's lines as the server returned them after a save (same order as sent). */
  function saved(serverLines: ServerLine[], at: number[]): void {
    const next = lines.value.slice()
    at.forEach((pos, k) => {
      const s = serverLines[k]
      if (s && next[pos]) next[pos] = applyServerLine(next[pos]!, s)
    })
    lines.value = next
  }

  return {
    lines,
    totals,
    quoting,
    quoteBlocked,
    orderDiscount,
    schedule,
    resolveSku,
    setQuantity,
    append,
    remove,
    pick,
    paste,
    load,
    saved,
    showErrors,
    withQuantity,
  }
}
