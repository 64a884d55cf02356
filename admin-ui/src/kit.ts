/**
 * What a plugin's admin screens may use from the admin UI (`import { … } from '@plume/admin-ui/kit'`):
 * the API client, the session and metadata stores, texts and formatting, realtime, and the shared
 * field components. Anything else under `admin-ui/src` is internal and may change.
 */
export { api, realtime, type ApiError } from './api/client'
export { downloadFile, saveBlob } from './api/download'
export { errorMessage, errorCode, formErrors, pointerField } from './api/errors'
export { useMeta } from './stores/meta'
export { useSession } from './stores/session'
export { useRealtime, type RealtimeEvent } from './composables/useRealtime'
export { i18n, locale, isZh, tr, type Locale } from './i18n'
export { formatMoney, formatNumber, formatDate, formatValue, enumLabel, fieldLabel } from './utils/format'
export { toCents, centsToString, sumMoney } from './utils/decimal'
export { entityLabel, entityPluralLabel, recordTitle, titleField, searchQuery } from './utils/entity'
export { titleOf, refLabel, rememberTitle, knownTitle } from './utils/titles'
export { toCsv } from './utils/csv'
export {
  defineAdminExtension,
  type AdminExtension,
  type AdminScreen,
  type DetailPanel,
} from './extensions/types'
export type { EntityMeta, FieldMeta, Row, Paginated, LocalizedText } from './types/meta'
export { default as FieldValue } from './components/FieldValue.vue'
export { default as RelationPicker } from './components/RelationPicker.vue'
/** A chart from an ECharts option (line, bar, pie; axes, tooltip); ECharts loads the first time one is shown. */
export { default as EChart } from './dashboard/EChart.vue'
