import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The widget bundle the platform serves at /sdk/plume.js: one ES module, no dependencies, no eval.
// Run: npm run build:widgets -w @plume/sdk
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: 'dist/cdn',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: true,
    lib: { entry: 'src/widgets/index.ts', formats: ['es'], fileName: () => 'plume.js' },
  },
})
