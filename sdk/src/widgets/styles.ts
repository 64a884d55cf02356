/**
 * Styles of the widgets as constructable stylesheets (`adoptedStyleSheets`): no `<style>` element
 * and no `style` attribute, so a page with `style-src 'self'` (no 'unsafe-inline') renders them.
 * Theming: the documented `--plume-*` custom properties (set them on the page, or pass an
 * appearance object), and `::part()` names on the elements inside.
 */
export const BASE_CSS = `
:host { display: block; font-family: var(--plume-font-family, system-ui, sans-serif); font-size: var(--plume-font-size, 14px);
  color: var(--plume-color-text, #1f2328); background: var(--plume-color-background, #fff);
  border: 1px solid var(--plume-color-border, #d0d7de); border-radius: var(--plume-radius, 8px); padding: var(--plume-spacing, 12px); box-sizing: border-box; }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
h3 { margin: 0 0 var(--plume-spacing, 12px); font-size: 1.1em; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--plume-color-border, #d0d7de); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
button { font: inherit; cursor: pointer; border: 0; border-radius: var(--plume-radius, 8px); padding: 6px 12px;
  background: var(--plume-color-primary, #0969da); color: var(--plume-color-on-primary, #fff); }
button[disabled] { opacity: .5; cursor: default; }
button.link { background: none; color: var(--plume-color-primary, #0969da); padding: 0 4px; }
input { font: inherit; padding: 6px 8px; border: 1px solid var(--plume-color-border, #d0d7de); border-radius: var(--plume-radius, 8px); }
input[type=number] { width: 6em; }
.muted { color: var(--plume-color-muted, #656d76); }
.error { color: var(--plume-color-danger, #cf222e); }
.ok { color: var(--plume-color-success, #1a7f37); }
.row { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: var(--plume-spacing, 12px); }
.kpi { border: 1px solid var(--plume-color-border, #d0d7de); border-radius: var(--plume-radius, 8px); padding: 8px; }
.kpi b { display: block; font-size: 1.4em; }
`

let shared: CSSStyleSheet | undefined

/** The one base sheet all widgets adopt (built once per page). */
export function baseSheet(): CSSStyleSheet {
  if (!shared) {
    shared = new CSSStyleSheet()
    shared.replaceSync(BASE_CSS)
  }
  return shared
}

/** The appearance object: `--plume-*` variables without the prefix, e.g. `{ colorPrimary: '#e11d48', radius: '0' }`. */
export interface Appearance {
  variables?: Record<string, string>
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/**
 * A sheet setting the appearance's variables on the host (through the CSSOM, which CSP allows).
 * @example appearanceSheet({ variables: { colorPrimary: '#e11d48' } }) // :host { --plume-color-primary: #e11d48 }
 */
export function appearanceSheet(appearance: Appearance | undefined): CSSStyleSheet | undefined {
  const vars = Object.entries(appearance?.variables ?? {}).filter(
    ([k, v]) => /^[A-Za-z0-9]+$/.test(k) && !/[;{}<>]/.test(v),
  )
  if (!vars.length) return undefined
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(`:host { ${vars.map(([k, v]) => `--plume-${kebab(k)}: ${v};`).join(' ')} }`)
  return sheet
}
