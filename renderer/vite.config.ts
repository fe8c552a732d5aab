/**
 * Vite config for the page (renderer/). Built to .vite/renderer with relative
 * asset URLs (base './') so the same files load from file:// in Electron and
 * from the browser-mode server. The page imports ../shared directly (pure TS).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { pageMetaCsp } from '../shared/util/csp';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  plugins: [
    react(),
    {
      // The page's CSP is written once (shared/util/csp.ts); index.html holds a placeholder.
      name: 'netplumb-csp-meta',
      transformIndexHtml: (html) => html.replace('%NETPLUMB_CSP%', pageMetaCsp()),
    },
  ],
  server: {
    // ../shared lives outside the root: allow the dev server to read it.
    fs: { allow: [resolve(here, '..')] },
    host: '127.0.0.1',
  },
  build: {
    outDir: resolve(here, '../.vite/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
    // Why: no inline scripts (strict CSP); keep module preload polyfill out of index.html.
    modulePreload: { polyfill: false },
    rollupOptions: {
      // Rollup notes that it drops comments it cannot place (zod's "@__PURE__" remarks): noise for a user running `npm start`.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
      input: resolve(here, 'index.html'),
    },
  },
});
