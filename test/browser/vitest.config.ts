import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Browser suite: real Debian Chromium through playwright-core (bash .ci/setup-browser.sh installs it).
// Run: npx vitest run --config test/browser/vitest.config.ts
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
})
