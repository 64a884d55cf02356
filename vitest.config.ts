import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['metadata/src/**/*.test.ts', 'core/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/browser/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite and PostgreSQL suites are heavy; two workers match the 2-core machines
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
})
