/** Shared helpers of the browser suite: the built UI, Debian Chromium, screenshots. */
import { execSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const SHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url))
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Builds the admin UI when it is missing (or when PLUME_REBUILD_UI=1): into admin-ui/dist, or into
 * PLUME_ADMIN_DIST when set — the folder the platform then serves (so parallel work can build apart).
 */
export function ensureAdminBuilt(): void {
  const dist = process.env.PLUME_ADMIN_DIST
  if (existsSync(`${dist ?? `${ROOT}/admin-ui/dist`}/index.html`) && process.env.PLUME_REBUILD_UI !== '1')
    return
  // a production build whoever asks: under vitest NODE_ENV is "test", and Vite would then bundle Vue's development code
  const env = { ...process.env, NODE_ENV: 'production' }
  if (!dist) return void execSync('npm run build -w admin-ui', { cwd: ROOT, stdio: 'inherit', env })
  execSync(`npx vite build --outDir ${JSON.stringify(dist)} --emptyOutDir`, {
    cwd: `${ROOT}/admin-ui`,
    stdio: 'inherit',
    env,
  })
  execSync(`node scripts/compress.mjs ${JSON.stringify(dist)}`, { cwd: `${ROOT}/admin-ui`, stdio: 'inherit' })
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run \`bash .ci/setup-browser.sh\` (installs Debian chromium)`)
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })
}

/** Signs in through the login form and waits for the shell. */
export async function login(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/admin/`)
  await page.waitForSelector('[data-test="login-form"]')
  await page.fill('#login-email', email)
  await page.fill('#login-password', password)
  await page.click('[data-test="login-submit"]')
  await page.waitForSelector('[data-test="nav"]')
}

/** Picks an option of an Element Plus select (the dropdown is teleported to <body>). */
export async function pickOption(page: Page, selectSelector: string, optionSelector: string): Promise<void> {
  await page.click(selectSelector)
  const option = page.locator(optionSelector).locator('visible=true').first()
  await option.waitFor()
  await option.click()
}
