// Lint with import boundaries between the layers. The rules are the team's
// architecture notes made checkable: read docs/ARCHITECTURE.md (layout, and
// convention 14 "Rules that matter are lint"), which lists them. Our own rules
// (no import cycles, layers) are in eslint-rules/; scripts/lint-rules.test.ts
// checks that each rule here reports what it should and that the tree passes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import local from './eslint-rules/index.mjs';
import { ALLOWED_CYCLE_FILES } from './eslint-rules/allowed-cycles.mjs';

/**
 * What each folder may import from (by the file an import resolves to):
 * the pure core imports nothing else; the renderer only the core and itself;
 * the kernel side never the CLI, main or the renderer; the CLI the kernel side
 * and the core; main (and preload) never the CLI. Tests and test support may
 * use any layer to check their own.
 */
const LAYERS = [
  { name: 'the pure core', files: ['shared'], may: ['shared'] },
  { name: 'the renderer', files: ['renderer'], may: ['shared', 'renderer'] },
  {
    name: 'the kernel side',
    files: ['electron/kernel'],
    may: ['shared', 'electron/kernel', 'electron/common'],
  },
  {
    name: 'Node code main and the CLI share',
    files: ['electron/common'],
    may: ['shared', 'electron/common'],
  },
  {
    name: 'the CLI',
    files: ['electron/cli'],
    may: ['shared', 'electron/kernel', 'electron/common', 'electron/cli'],
  },
  {
    name: 'main',
    files: ['electron/main'],
    may: ['shared', 'electron/kernel', 'electron/common', 'electron/main'],
  },
  { name: 'the preload script', files: ['electron/preload'], may: ['shared', 'electron/preload'] },
];
const TESTS = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/test-support/**',
  'shared/testing/**',
  'renderer/vite.config.ts',
];

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'child_process',
  'os',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'url',
  'util',
  'events',
  'worker_threads',
  'process',
];
const pattern = (group, message) => ({ group, message });
// Node built-ins must be matched as whole import specifiers: as gitignore-style
// `group` patterns, 'util' or 'path' would also forbid '../util/ip'.
const builtinRegex = `^(${nodeBuiltins.map((b) => b.replace('*', '.*')).join('|')})$`;
const builtins = (message) => ({ regex: builtinRegex, message });

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.vite',
      'out',
      'dist',
      'test-results',
      'playwright-report',
      'e2e/artifacts',
      'schema',
      '.cache',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // Layout is Prettier's (npm run format); this rule fights its call-chain breaks.
      'no-unexpected-multiline': 'off',
    },
  },
  {
    // bin/*.js is CommonJS (bin/package.json: the command starts without Node's ES-module loader).
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // No import cycles: each module imports only what comes before it.
    files: ['**/*.{ts,tsx}'],
    plugins: { local },
    rules: { 'local/no-import-cycles': ['error', { allow: ALLOWED_CYCLE_FILES }] },
  },
  {
    files: ['shared/**/*.ts', 'renderer/**/*.{ts,tsx}', 'electron/**/*.ts'],
    ignores: TESTS,
    plugins: { local },
    rules: { 'local/layers': ['error', { layers: LAYERS }] },
  },
  {
    // shared/ is pure: no Node built-ins, no DOM frameworks, no Electron, no other layer.
    files: ['shared/**/*.ts'],
    // Tests and test support (shared/testing: golden files) may read the disk.
    ignores: ['shared/**/*.test.ts', 'shared/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            builtins('shared/ is pure TypeScript: no Node built-ins'),
            pattern(
              [
                'electron',
                'electron/*',
                'react',
                'react-dom',
                '@xyflow/*',
                'zustand',
                'zundo',
                'execa',
                'ws',
              ],
              'shared/ must not depend on Electron, React, processes or sockets',
            ),
          ],
        },
      ],
    },
  },
  {
    // renderer/ runs in the sandboxed page: no Node, no Electron, no kernel code.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}', 'renderer/vite.config.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            builtins('the renderer is sandboxed: no Node built-ins'),
            pattern(
              ['electron', 'execa', 'ws'],
              'the renderer talks to the kernel side only through renderer/api',
            ),
          ],
        },
      ],
    },
  },
  // --- renderer layers (issue 14, item 5) ----------------------------------
  // app/ (the shell) composes panels/ and canvas/; panels/ and canvas/ use
  // store/ (state and actions) and api/; store/ uses api/ and shared/; api/
  // uses shared/ only. Checked with @typescript-eslint/no-restricted-imports
  // (same options as the core rule) so these blocks add to the renderer's
  // no-restricted-imports above instead of replacing it. See rendererLayers().
  ...rendererLayers(),
  // electron/: Node only below main/preload. Processes are started only by the
  // runner (kernel/runner.ts), the pty module (kernel/live/pipe-pty.ts) and the
  // helper client (kernel/helper-client.ts): one place to audit argv, env and
  // privilege, and one place tests swap for a recorder. spawnAllowed() below lists the
  // rest, each with its reason; shrink it, never grow it without one.
  ...electronLayers(),
  {
    // A test never returns an assertion: expect(…).toX() returns an object, and fast-check
    // fails a property whose function returns anything but true or undefined (a property
    // that returned one failed only when its generator drew that branch's value).
    files: TESTS,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ReturnStatement > CallExpression[callee.object.callee.name='expect'], ReturnStatement > CallExpression[callee.object.object.callee.name='expect']",
          message:
            'do not return an assertion (fast-check fails a property that returns one): assert, then return',
        },
        {
          selector:
            "CallExpression[callee.property.name=/^(property|asyncProperty)$/] > ArrowFunctionExpression > CallExpression.body[callee.object.callee.name='expect']",
          message: "a property's arrow must not return an assertion (fast-check fails it): use a block body",
        },
      ],
    },
  },
);

/** Files that may start processes, with why (see the comment above). */
function spawnAllowed() {
  return {
    'electron/kernel/runner.ts': 'the runner: every ip/bridge/tc/sysctl call',
    'electron/kernel/live/pipe-pty.ts': 'the pty module: terminals without node-pty',
    'electron/kernel/helper-client.ts': 'the helper client: starts the privileged helper',
    'electron/kernel/helper-route.ts':
      'probes `sudo -n -l` for the installed helper before the helper exists (issue 14: move into helper-client)',
    'electron/kernel/live/capture.ts':
      'tcpdump runs until stopped and streams packets; the runner waits for exit (issue 14: move into the runner as a streaming call)',
    'electron/kernel/live/trace.ts': 'the step-mode capture, same reason as capture.ts (issue 14)',
    'electron/cli/exec-command.ts':
      "`netplumb exec` hands the user's terminal to the command and passes its exit code through",
    'electron/cli/serve-command.ts':
      "`netplumb serve --open` starts the desktop's browser opener (xdg-open), detached",
    'electron/cli/engine-commands.ts':
      '`netplumb engine start` starts the resident engine (itself, serving), detached',
    'electron/kernel/test-support/**':
      'test support: creates and removes throw-away users (useradd) for the helper tests',
  };
}

function electronLayers() {
  const noSpawn = pattern(
    ['execa', 'child_process', 'node:child_process'],
    'processes are started only by kernel/runner.ts, kernel/live/pipe-pty.ts and kernel/helper-client.ts (docs/ARCHITECTURE.md, 14); see spawnAllowed() in eslint.config.js',
  );
  const noElectron = pattern(
    ['electron'],
    'electron/kernel, electron/cli and electron/common run under plain Node: never import electron',
  );
  // Which folders each may import from is LAYERS (local/layers); here, packages.
  const layers = [
    {
      files: ['electron/kernel/**/*.ts', 'electron/cli/**/*.ts', 'electron/common/**/*.ts'],
      patterns: [noElectron],
    },
    { files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'], patterns: [] },
  ];
  const allowed = Object.keys(spawnAllowed());
  // Tests may start processes (to build, to run the CLI, to check the kernel).
  const exempt = [...allowed, 'electron/**/*.test.ts'];
  // Per layer: its rule for every file, then (overriding it) the same rule
  // plus the spawn ban for every file not exempt.
  return layers.flatMap(({ files, patterns }) => [
    ...(patterns.length ? [{ files, rules: { 'no-restricted-imports': ['error', { patterns }] } }] : []),
    {
      files,
      ignores: exempt,
      rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, noSpawn] }] },
    },
  ]);
}

/**
 * The renderer's layers, lowest first: api/ → store/ → canvas/, panels/ → app/.
 * A layer never imports one above it; the canvas never imports a panel (what
 * panels add to it is passed in: canvas/extensions.ts). Tests are exempt.
 */
function rendererLayers() {
  const no = (folders, why) =>
    pattern(
      folders.flatMap((f) => [`**/${f}/**`, `**/${f}`]),
      why,
    );
  const layers = [
    {
      files: ['renderer/panels/**/*.{ts,tsx}'],
      patterns: [
        no(['app'], 'panels must not import app/ (the shell): state and actions live in renderer/store'),
      ],
    },
    {
      files: ['renderer/canvas/**/*.{ts,tsx}'],
      patterns: [
        no(
          ['panels'],
          'the canvas must not import panels: the app passes their marks and menu items in (canvas/extensions.ts)',
        ),
        no(['app'], 'the canvas must not import app/ (the shell): state and actions live in renderer/store'),
      ],
    },
    {
      files: ['renderer/store/**/*.{ts,tsx}'],
      patterns: [
        no(
          ['panels', 'canvas', 'app'],
          'renderer/store is below the views: it imports only api/ and shared/',
        ),
      ],
    },
    {
      files: ['renderer/api/**/*.{ts,tsx}'],
      patterns: [
        no(
          ['store', 'panels', 'canvas', 'app'],
          'renderer/api is the lowest renderer layer: it imports only shared/',
        ),
      ],
    },
  ];
  return layers.map(({ files, patterns }) => ({
    files,
    ignores: ['renderer/**/*.test.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
  }));
}
