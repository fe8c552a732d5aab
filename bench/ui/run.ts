/**
 * `npm run bench:ui`: the canvas benchmark of issue 4. Builds the app's page
 * and a bare React Flow page, opens the same generated 1000-node, 1000-link
 * topology in both (Debian Chromium, headless, served from 127.0.0.1), and
 * prints the medians of time to first render, time to interactive, and frame
 * rates while dragging a node and while panning, each with its ratio to the
 * bare page and the issues' targets (opening <= 1.3x the bare page; drag and
 * pan frame rates >= 1.0x with the whole drawing in view, issue 13, and
 * >= 0.8x at zoom 1). A benchmark, not a test: it exits 0 whatever the
 * figures, and non-zero only when a measurement could not be made.
 *
 * Options: --runs N (default 3), --gesture-ms N (default 3000),
 * --build (build both pages even when their builds are newer than their
 * sources; otherwise a page is rebuilt only when renderer/, shared/ or
 * bench/ui/bare changed), --no-build (never rebuild an existing build in .vite/bench-ui), --regen (make
 * the topology again instead of reusing bench/ui/out/topology-1000.yaml),
 * --json (also print the raw figures as JSON).
 */
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { readDocumentText } from '../../renderer/store/document-io';
import { benchTopology } from './gen-topology';
import { measurePage, type Figures } from './measure';
import { serveStatic } from './static-server';
import { report } from './report';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
const out = resolve(here, 'out');
/** Where the two pages are built (ignored by git, eslint and tsc like the app's own builds). */
const builds = resolve(repo, '.vite/bench-ui');
const NODES = 1000;
const LINKS = 1000;
/** A namespace in the middle of the drawing (star 55 of 100). */
const TARGET_NODE = 'ns500';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(name);

/** Newest modification time of the files under `dirs` (0 when there are none). */
function newest(dirs: string[]): number {
  let t = 0;
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'out') walk(join(p, e));
    } else t = Math.max(t, st.mtimeMs);
  };
  dirs.forEach(walk);
  return t;
}

/** Builds a page unless its build is newer than its sources (or --build asks for it). */
async function buildPage(name: string, configFile: string, sources: string[], outDir: string) {
  const built = resolve(outDir, 'index.html');
  if (
    !flag('--build') &&
    existsSync(built) &&
    statSync(built).mtimeMs > newest([...sources, resolve(repo, 'package-lock.json')])
  )
    return;
  if (flag('--no-build') && existsSync(built)) return;
  const t0 = Date.now();
  await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
  console.log(`built the ${name} page in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function buildPages() {
  // The app's own vite config, into the bench's directory (the shared .vite/renderer is left alone).
  await buildPage(
    'app',
    resolve(repo, 'renderer/vite.config.ts'),
    [resolve(repo, 'renderer'), resolve(repo, 'shared')],
    resolve(builds, 'app'),
  );
  await buildPage(
    'bare',
    resolve(here, 'bare/vite.config.ts'),
    [resolve(here, 'bare')],
    resolve(builds, 'bare'),
  );
}

/** The topology file text: reused when it still reads as 1000 nodes and 1000 links, else generated. */
function topologyText(): string {
  const path = resolve(out, `topology-${NODES}.yaml`);
  if (!flag('--regen') && existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const r = readDocumentText(text, path);
    if (r.ok && r.topology.nodes.length === NODES && r.topology.links.length === LINKS) return text;
  }
  const t0 = Date.now();
  const t = benchTopology();
  if (t.doc.nodes.length !== NODES || t.doc.links.length !== LINKS)
    throw new Error(`generated ${t.doc.nodes.length} nodes and ${t.doc.links.length} links`);
  writeFileSync(path, t.text);
  console.log(
    `generated ${path} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${t.errors} errors, ${t.warnings} warnings by the app's validator)`,
  );
  return t.text;
}

async function main() {
  const started = Date.now();
  const runs = Math.max(1, Number(arg('--runs') ?? 3));
  const gestureMs = Math.max(500, Number(arg('--gesture-ms') ?? 3000));
  mkdirSync(out, { recursive: true });
  await buildPages();
  const text = topologyText();
  const file = { text, fileName: `bench-${NODES}.yaml` };

  const server = await serveStatic({ '/app/': resolve(builds, 'app'), '/bare/': resolve(builds, 'bare') });
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`${executablePath} is missing (apt-get install -y chromium)`);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const app: Figures[] = [];
  const bare: Figures[] = [];
  try {
    console.log(
      `chromium ${browser.version()}, ${runs} run(s) of each page, ${NODES} nodes and ${LINKS} links, gestures of ${gestureMs} ms`,
    );
    for (let i = 0; i < runs; i++) {
      const shot = (name: string) => (i === 0 ? resolve(out, `${name}-${NODES}.png`) : undefined);
      // The app first in run 1 (the bare page gets the size of the app's canvas), then alternating, so drift in the machine's load hits both.
      let canvas = app[0]?.canvas;
      const measureApp = () =>
        measurePage(browser, {
          url: `${server.url}/app/index.html?fake=1`,
          file,
          nodeId: TARGET_NODE,
          gestureMs,
          screenshot: shot('app'),
          failureShot: resolve(out, 'failure-app.png'),
        });
      const measureBare = () =>
        measurePage(browser, {
          url: `${server.url}/bare/index.html?w=${canvas!.width}&h=${canvas!.height}`,
          file,
          nodeId: TARGET_NODE,
          gestureMs,
          screenshot: shot('bare'),
          failureShot: resolve(out, 'failure-bare.png'),
        });
      let a: Figures;
      let b: Figures;
      if (i % 2 === 0) {
        a = await measureApp();
        canvas ??= a.canvas;
        b = await measureBare();
      } else {
        b = await measureBare();
        a = await measureApp();
      }
      app.push(a);
      bare.push(b);
      const line = (f: Figures) =>
        `${f.firstRender.toFixed(0)}/${f.interactive.toFixed(0)} ms, drag ${f.dragDrawn.toFixed(0)}/${f.closeDragDrawn.toFixed(0)} fps, pan ${f.panDrawn.toFixed(0)}/${f.closePanDrawn.toFixed(0)} fps`;
      console.log(
        `run ${i + 1}: app ${line(a)} | bare ${line(b)}   (first render/interactive; whole drawing/zoom 1)`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log('');
  console.log(report(app, bare));
  console.log(`\nscreenshots: ${resolve(out, `app-${NODES}.png`)}, ${resolve(out, `bare-${NODES}.png`)}`);
  if (flag('--json')) console.log(JSON.stringify({ app, bare }, null, 2));
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(`bench:ui failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
