/**
 * Vite config for the benchmark's bare React Flow page (bench/ui/bare), built
 * to bench/ui/out/bare with relative asset URLs, like the app's page.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir: resolve(here, '../../../.vite/bench-ui/bare'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
  },
});
