/**
 * Vite build of the Electron main process (Forge merges its defaults in).
 * Built as an ES module (.vite/build/main.js) because package.json says
 * "type": "module"; electron and Node built-ins stay external, and so does
 * node-pty (a native addon: it is loaded from node_modules at run time and
 * must be rebuilt for Electron's ABI by Forge's rebuild step when packaging).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: {
      entry: 'electron/main/index.ts',
      formats: ['es'],
      fileName: () => 'main.js',
    },
    sourcemap: true,
    rollupOptions: { external: ['node-pty'] },
  },
});
