import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const target = process.env.PLUME_API ?? 'http://127.0.0.1:3030'

// Served by the platform at /admin; `npm run dev -w admin-ui` proxies the API to a running `npm start`.
export default defineConfig({
  base: '/admin/',
  plugins: [
    vue(),
    // Element Plus on demand: only the components a template uses, each with its own CSS
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
  ],
  resolve: {
    // plugins' admin screens (plugins/<name>/admin/) live outside this package: one copy of each library for all
    dedupe: ['vue', 'vue-router', 'pinia', 'vue-i18n', 'element-plus', 'echarts', 'socket.io-client'],
  },
  server: {
    fs: { allow: ['..'] },
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: true },
      '/socket.io': { target, ws: true, changeOrigin: true },
    },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
  },
})
