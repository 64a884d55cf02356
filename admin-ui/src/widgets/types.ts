import type { Component } from 'vue'
import type { FieldMeta } from '../types/meta'

/** One option a widget accepts (edited by the builder through the widget's Options.vue). */
export interface WidgetOption {
  name: string
  type: 'string' | 'number' | 'boolean'
  label: { en: string; 'zh-CN': string }
  default?: string | number | boolean
}

/**
 * A form widget (Directus-style interface): which fields it serves, its options, its input.
 * @example defineWidget({ id: 'money', serves: (f) => f.xType === 'money', input: Input, options: Options })
 */
export interface WidgetDefinition {
  id: string
  label: { en: string; 'zh-CN': string }
  /** Higher wins when several widgets serve a field (x-ui.widget naming the id wins over all). */
  priority: number
  serves(field: FieldMeta): boolean
  optionsSchema: WidgetOption[]
  input: Component
  options: Component
}

export const defineWidget = (w: WidgetDefinition): WidgetDefinition => w

/** Props every Input.vue takes. */
export interface InputProps {
  field: FieldMeta
  modelValue: unknown
  /** id of the input element, for the label's `for`. */
  inputId: string
  disabled?: boolean
  invalid?: boolean
  options?: Record<string, unknown>
}

/** Props every Options.vue takes. */
export interface OptionsProps {
  modelValue: Record<string, unknown>
}
