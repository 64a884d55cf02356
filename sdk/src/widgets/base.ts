import { isPlumeError } from '../errors.js'
import { Connection, onConfigure, pageConfig, type EmbedConfig } from './connection.js'
import { h } from './dom.js'
import { localeOf, messages, type Messages } from './i18n.js'
import { appearanceSheet, baseSheet, type Appearance } from './styles.js'

/**
 * What every widget shares: a shadow root styled by constructable stylesheets, its connection
 * (attributes `base-url`, `publishable-key`, `session-url` over `configure(...)`), its language
 * (`lang` attribute or the page's), an `appearance` property, DOM events that cross the shadow
 * boundary, and errors shown in the page's language.
 */
export abstract class PlumeWidget extends HTMLElement {
  static observedAttributes = ['lang', 'base-url', 'publishable-key', 'session-url']
  protected readonly root: ShadowRoot
  private ownAppearance: Appearance | undefined
  private off: (() => void) | undefined
  private loading = 0

  constructor() {
    super()
    this.root = this.attachShadow({ mode: 'open' })
    this.applySheets()
  }

  /** `el.appearance = { variables: { colorPrimary: '#e11d48' } }`: overrides the page's `configure({ appearance })`. */
  set appearance(value: Appearance | undefined) {
    this.ownAppearance = value
    this.applySheets()
  }

  get appearance(): Appearance | undefined {
    return this.ownAppearance ?? pageConfig().appearance
  }

  private applySheets(): void {
    const extra = appearanceSheet(this.appearance)
    this.root.adoptedStyleSheets = extra ? [baseSheet(), extra] : [baseSheet()]
  }

  protected get t(): Messages {
    return messages(localeOf(this))
  }

  protected get connection(): Connection {
    const page = pageConfig()
    const attr = (name: string) => this.getAttribute(name) ?? undefined
    const cfg: EmbedConfig = {
      ...page,
      baseUrl: attr('base-url') ?? page.baseUrl,
      publishableKey: attr('publishable-key') ?? page.publishableKey,
      sessionUrl: attr('session-url') ?? page.sessionUrl,
    }
    return new Connection(cfg)
  }

  /** Events on the page (`document`) the widget follows while it is connected. */
  protected pageEvents(): Record<string, (e: Event) => void> {
    return {}
  }

  connectedCallback(): void {
    const events = Object.entries(this.pageEvents())
    for (const [name, fn] of events) document.addEventListener(name, fn)
    const offConfigure = onConfigure(() => {
      this.applySheets()
      void this.refresh()
    })
    this.off = () => {
      offConfigure()
      for (const [name, fn] of events) document.removeEventListener(name, fn)
    }
    void this.refresh()
  }

  disconnectedCallback(): void {
    this.off?.()
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.refresh()
  }

  /** Loads and renders again; the last of overlapping loads wins. */
  async refresh(): Promise<void> {
    const mine = ++this.loading
    try {
      await this.load(() => mine === this.loading)
    } catch (err) {
      if (mine !== this.loading) return
      const denied = isPlumeError(err) && (err.code === 401 || err.code === 403)
      this.show(
        h(
          'p',
          { class: 'error', part: 'error', role: 'alert' },
          denied ? this.t.notAllowed : `${this.t.error}: ${err instanceof Error ? err.message : String(err)}`,
        ),
      )
    }
  }

  /** Fetches and renders; `current()` turns false once a newer load started. */
  protected abstract load(current: () => boolean): Promise<void>

  protected show(...nodes: Array<Node | ''>): void {
    this.root.replaceChildren(...nodes.filter((n): n is Node => n !== ''))
  }

  protected emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))
  }
}
