import type { Page } from 'playwright-core'

/** Signs in on a phone-width viewport, where the menu is folded away: waits for the login form to go. */
export async function loginNarrow(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/admin/`)
  await page.waitForSelector('[data-test="login-form"]')
  await page.fill('#login-email', email)
  await page.fill('#login-password', password)
  await page.click('[data-test="login-submit"]')
  await page.waitForSelector('[data-test="login-form"]', { state: 'detached' })
}
