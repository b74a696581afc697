// Vite build of the web application (apps/web) into dist/web, which the API serves at `/`.
// `npm run build` runs it through scripts/build-web.mjs; `npm run web:dev` serves it with a proxy
// to a running API (`npm start`) for working on the pages.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react-swc';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/auth', '/docs', '/health'].map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
