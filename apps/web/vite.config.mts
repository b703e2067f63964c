import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The staff console and patient portal. Built into dist/web at the repository root, which the
 * API serves at `/` (apps/api/src/web/web-app.ts). `npm run dev:web` proxies the API from :3000.
 */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // Modern browsers only (front-desk PCs and phones): no legacy polyfills.
    target: 'es2022',
    // Vite's modulepreload polyfill is inline-free but useless on supported browsers.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/v1': 'http://localhost:3000', '/docs-json': 'http://localhost:3000' },
  },
});
