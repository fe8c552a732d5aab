// Lint with import boundaries between the layers (see ../shared/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'child_process', 'os', 'net', 'http', 'https', 'crypto', 'stream', 'url', 'util', 'events', 'worker_threads', 'process'];
const pattern = (group, message) => ({ group, message });
// Node built-ins must be matched as whole import specifiers: as gitignore-style
// `group` patterns, 'util' or 'path' would also forbid '../util/ip'.
const builtinRegex = `^(${nodeBuiltins.map((b) => b.replace('*', '.*')).join('|')})$`;
const builtins = (message) => ({ regex: builtinRegex, message });

export default tseslint.config(
  { ignores: ['node_modules', '.vite', 'out', 'dist', 'test-results', 'playwright-report', 'e2e/artifacts', 'schema', '.cache'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // shared/ is pure: no Node built-ins, no DOM frameworks, no Electron, no other layer.
    files: ['shared/**/*.ts'],
    // Tests and test support (shared/testing: golden files) may read the disk.
    ignores: ['shared/**/*.test.ts', 'shared/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        builtins('shared/ is pure TypeScript: no Node built-ins'),
        pattern(['electron', 'electron/*', 'react', 'react-dom', '@xyflow/*', 'zustand', 'zundo', 'execa', 'ws'], 'shared/ must not depend on Electron, React, processes or sockets'),
        pattern(['**/electron/**', '**/renderer/**'], 'shared/ must not import from electron/ or renderer/'),
      ] }],
    },
  },
  {
    // renderer/ runs in the sandboxed page: no Node, no Electron, no kernel code.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}', 'renderer/vite.config.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [
        builtins('the renderer is sandboxed: no Node built-ins'),
        pattern(['electron', 'execa', 'ws'], 'the renderer talks to the kernel side only through renderer/api'),
        pattern(['**/electron/**'], 'the renderer must not import electron/ code; use renderer/api'),
      ] }],
    },
  },
  {
    // electron/kernel and electron/cli are Node only and never import Electron.
    files: ['electron/kernel/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(['electron'], 'electron/kernel and electron/cli run under plain Node: never import electron'),
        pattern(['**/renderer/**'], 'the kernel side must not import renderer code'),
      ] }],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [pattern(['**/renderer/**'], 'main/preload must not import renderer code')] }],
    },
  },
);
