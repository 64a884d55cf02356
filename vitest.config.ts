import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'metadata/src/**/*.test.ts',
      'core/src/**/*.test.ts',
      'plugins/*/src/**/*.test.ts',
      'admin-ui/src/**/*.test.ts',
      'plugins/*/admin/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // admin-ui tests cover its pure modules (no DOM); the browser suite covers the screens
    environment: 'node',
    exclude: ['**/node_modules/**', 'test/browser/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite and PostgreSQL suites are heavy; two workers match the 2-core machines
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
})
