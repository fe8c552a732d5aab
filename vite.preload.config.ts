/**
 * Vite build of the preload script (.vite/build/preload.js). Forge builds it
 * as one CommonJS file: a sandboxed preload cannot load ES modules or other
 * files, so the contract (and zod) are bundled into it.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: {
      output: { entryFileNames: 'preload.js' },
    },
  },
});
