/**
 * Screenshots for checking the canvas's level of detail (issue 13): opens a
 * drawing in a built app page (`?fake=1`, Debian Chromium) and saves the
 * canvas at zoom 1 and zoomed out; `--diff` then compares two such sets pixel
 * by pixel. Not a test: a tool for before/after comparisons of the drawing.
 *
 *   npx tsx bench/ui/lod-shots.ts shoot <built app dir> <out dir>
 *   npx tsx bench/ui/lod-shots.ts diff <out dir A> <out dir B>
 *
 * Shots: `<drawing>-z1.png` (zoom 1, node `anchor` at the same canvas point), `<drawing>-far.png` (as opened: fit to screen), `<drawing>-z03.png`
 * (zoom 0.3). Drawings: examples/campus.yaml and the bench's 1000-node file.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { instrument } from './instrument';
import { VIEWPORT } from './measure';
import { serveStatic } from './static-server';

type Win = { __bench: { firstRender: unknown } };
const DRAWINGS = [
  { name: 'campus', file: 'examples/campus.yaml', anchor: 'cp-core' },
  { name: 'bench', file: 'bench/ui/out/topology-1000.yaml', anchor: 'ns500' },
];

/**
 * Sets the view exactly: zoom `zoom`, node `id`'s top-left corner at canvas
 * point (300, 200), through React Flow's own store (found from the canvas
 * element's React fiber), so both builds get the very same view.
 */
async function setView(page: Page, id: string, zoom: number) {
  const t = await page.evaluate(
    ([nid, z]) => {
      type Store = {
        getState(): {
          nodeLookup: Map<string, { internals: { positionAbsolute: { x: number; y: number } } }>;
          panZoom: { setViewport(v: { x: number; y: number; zoom: number }): Promise<boolean> } | null;
        };
      };
      const el = document.querySelector('.react-flow') as unknown as Record<string, unknown>;
      const key = Object.keys(el).find((k) => k.startsWith('__reactFiber$'))!;
      let f = el[key] as { return?: unknown; memoizedProps?: { value?: unknown } } | undefined;
      let store: Store | null = null;
      while (f && !store) {
        const v = f.memoizedProps?.value as Store | undefined;
        if (v && typeof v.getState === 'function' && 'panZoom' in v.getState()) store = v;
        f = f.return as typeof f;
      }
      if (!store) throw new Error('React Flow store not found');
      const n = store.getState().nodeLookup.get(nid)!;
      const p = n.internals.positionAbsolute;
      void store.getState().panZoom!.setViewport({ x: 300 - p.x * z, y: 200 - p.y * z, zoom: z });
      return document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    },
    [id, zoom] as const,
  );
  await page.waitForTimeout(800);
  return t;
}

async function shootOne(browser: Browser, url: string, d: (typeof DRAWINGS)[number], out: string) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
    await page.addInitScript(instrument, { text: readFileSync(d.file, 'utf8'), fileName: `${d.name}.yaml` });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Win).__bench?.firstRender != null, null, {
      timeout: 60_000,
    });
    await page.waitForTimeout(2000);
    // A fixed area from the canvas's top-left corner (its height varies by a few pixels with the panels below it).
    const box = (await page.locator('.react-flow').boundingBox())!;
    const canvas = {
      screenshot: (o: { path: string }) =>
        page.screenshot({ ...o, clip: { x: box.x, y: box.y, width: Math.min(800, box.width), height: 440 } }),
    };
    // Nothing hovered, nothing selected.
    await page.mouse.move(2, 2);
    await canvas.screenshot({ path: resolve(out, `${d.name}-far.png`) });
    await setView(page, d.anchor, 0.3);
    await canvas.screenshot({ path: resolve(out, `${d.name}-z03.png`) });
    await setView(page, d.anchor, 1);
    await canvas.screenshot({ path: resolve(out, `${d.name}-z1.png`) });
    const t = await page.evaluate(
      () => document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform,
    );
    console.log(`${d.name}: zoom-1 view ${t}`);
  } finally {
    await context.close();
  }
}

/** Compares same-named PNGs of two directories in the browser (canvas pixels); writes <name>-diff.png into B. */
async function diff(browser: Browser, a: string, b: string) {
  const page = await browser.newPage();
  // Why: tsx (esbuild keepNames) wraps functions in __name(...); the page needs that helper too.
  await page.evaluate('globalThis.__name ??= (f) => f');
  for (const f of readdirSync(a).filter((x) => x.endsWith('.png') && !x.endsWith('-diff.png'))) {
    if (!existsSync(resolve(b, f))) continue;
    const url = (p: string) => `data:image/png;base64,${readFileSync(p).toString('base64')}`;
    const r = await page.evaluate(
      async ([ua, ub]) => {
        const load = (u: string) =>
          new Promise<HTMLImageElement>((ok, ko) => {
            const i = new Image();
            i.onload = () => ok(i);
            i.onerror = ko;
            i.src = u;
          });
        const [ia, ib] = await Promise.all([load(ua), load(ub)]);
        if (ia.width !== ib.width || ia.height !== ib.height)
          return { size: `${ia.width}x${ia.height} vs ${ib.width}x${ib.height}`, diff: -1, png: '' };
        const px = (i: HTMLImageElement) => {
          const c = document.createElement('canvas');
          c.width = i.width;
          c.height = i.height;
          const g = c.getContext('2d')!;
          g.drawImage(i, 0, 0);
          return g.getImageData(0, 0, i.width, i.height);
        };
        const da = px(ia);
        const db = px(ib);
        const c = document.createElement('canvas');
        c.width = ia.width;
        c.height = ia.height;
        const g = c.getContext('2d')!;
        const out = g.createImageData(ia.width, ia.height);
        let n = 0;
        for (let k = 0; k < da.data.length; k += 4) {
          const same =
            da.data[k] === db.data[k] &&
            da.data[k + 1] === db.data[k + 1] &&
            da.data[k + 2] === db.data[k + 2];
          if (!same) n++;
          out.data[k] = same ? da.data[k] : 255;
          out.data[k + 1] = same ? da.data[k + 1] : 0;
          out.data[k + 2] = same ? da.data[k + 2] : 0;
          out.data[k + 3] = same ? 60 : 255;
        }
        g.putImageData(out, 0, 0);
        return { size: `${ia.width}x${ia.height}`, diff: n, png: c.toDataURL('image/png') };
      },
      [url(resolve(a, f)), url(resolve(b, f))] as const,
    );
    if (r.png)
      writeFileSync(resolve(b, f.replace('.png', '-diff.png')), Buffer.from(r.png.split(',')[1], 'base64'));
    console.log(`${f}: ${r.size}, ${r.diff} pixels differ`);
  }
}

async function main() {
  const [cmd, x, y] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    if (cmd === 'diff') return await diff(browser, resolve(x), resolve(y));
    if (cmd !== 'shoot' || !x || !y)
      throw new Error('usage: lod-shots.ts shoot <app dir> <out dir> | diff <a> <b>');
    mkdirSync(y, { recursive: true });
    const server = await serveStatic({ '/app/': resolve(x) });
    try {
      for (const d of DRAWINGS) await shootOne(browser, `${server.url}/app/index.html?fake=1`, d, resolve(y));
    } finally {
      await server.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
