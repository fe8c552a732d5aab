/**
 * One measurement of one page (the app or the bare page): opens it in a fresh
 * browser context, and measures time to first render, time to interactive,
 * and frame rates while dragging a node and while panning.
 */
import type { Browser, Page } from '@playwright/test';
import { instrument, type BenchProbe, type InjectedFile } from './instrument';

/** The browser window size both pages get. */
export const VIEWPORT = { width: 1280, height: 800 };

/** The figures of one measurement. */
export interface Figures {
  /** Navigation start to the paint of the first frame showing the nodes (ms). */
  firstRender: number;
  /** Navigation start to the file being handed to the page's file input (ms). */
  injected: number;
  /** Navigation start to the paint of the first frame where a clicked node shows selected (ms). */
  interactive: number;
  /**
   * Frames the page's compositor drew per second while dragging a node (the
   * frames that reach the screen: DevTools' frame count, from a trace).
   */
  dragDrawn: number;
  /** requestAnimationFrame callbacks per second while dragging a node (a callback may end in no new frame). */
  dragFps: number;
  /** Longest frame while dragging (ms). */
  dragLongest: number;
  /** Frames drawn per second while panning the canvas (as dragDrawn). */
  panDrawn: number;
  /** requestAnimationFrame callbacks per second while panning the canvas. */
  panFps: number;
  /** Longest frame while panning (ms). */
  panLongest: number;
  /** The same after zooming in to about 1 with the wheel over the node (the zoom reached). */
  closeZoom: number;
  closeDragDrawn: number;
  closeDragFps: number;
  closeDragLongest: number;
  closePanDrawn: number;
  closePanFps: number;
  closePanLongest: number;
  /** Nodes in the DOM at the end of the pan at zoom 1. */
  closeNodesInDom: number;
  /** Nodes and edges in the DOM at first render. */
  nodesInDom: number;
  edgesInDom: number;
  /** Long tasks (> 50 ms) from navigation start to interactive: count and total ms. */
  longTasks: number;
  longTaskMs: number;
  /** The zoom of the view when opened. */
  zoom: number;
  /** The canvas (React Flow element) size. */
  canvas: { width: number; height: number };
}

/** Options of one measurement. */
export interface MeasureOptions {
  url: string;
  file: InjectedFile;
  /** The node to click and drag. */
  nodeId: string;
  /** How long to drag and to pan (ms). */
  gestureMs: number;
  /** Save a screenshot after opening to this path. */
  screenshot?: string;
  /** Save a screenshot here when a measurement fails. */
  failureShot?: string;
}

type Win = { __bench: BenchProbe };
type Box = { x: number; y: number; width: number; height: number };

/** A point on the node's body (not on one of its handles, which start a connection instead). */
export async function grabPoint(page: Page, id: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate((nid) => {
    const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(nid)}"]`);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const onBody = (x: number, y: number) => {
      const at = document.elementFromPoint(x, y);
      return !!at && el.contains(at) && !at.closest('.react-flow__handle');
    };
    // Off the middle first: far out a node is a few pixels tall and its handles (top and bottom
    // middle) cover its centre. A whole pixel, with its neighbours on the node's body too: the
    // browser hit-tests a press at a fractional point on its own rounding, which can land on a
    // handle (a connection, not a drag) where elementFromPoint at the fraction found the body.
    for (const fy of [0.5, 0.4, 0.6, 0.3, 0.7]) {
      for (const fx of [0.3, 0.7, 0.2, 0.8, 0.5, 0.1, 0.9]) {
        const x = Math.round(r.x + r.width * fx);
        const y = Math.round(r.y + r.height * fy);
        if (
          [-1, 0, 1].every((dx) => onBody(x + dx, y)) &&
          onBody(x + 0.5, y + 0.5) &&
          onBody(x - 0.5, y - 0.5)
        )
          return { x, y };
      }
    }
    return null;
  }, id);
}

const zoomOf = (page: Page) =>
  page.evaluate(() => {
    const m = /scale\(([\d.e-]+)\)/.exec(
      document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '',
    );
    return m ? Number(m[1]) : NaN;
  });

/** Zooms in with the mouse wheel over a node until the zoom is about 1 (as a user would, to work on one part). */
async function zoomInOn(page: Page, id: string): Promise<number> {
  let under = '';
  for (let i = 0; i < 40; i++) {
    const zoom = await zoomOf(page);
    if (zoom >= 0.95) return zoom;
    // Over the node when it is on the canvas, else over the canvas' centre.
    const at = await page.evaluate((nid) => {
      const flow = document.querySelector('.react-flow')!.getBoundingClientRect();
      const r = document
        .querySelector(`.react-flow__node[data-id="${CSS.escape(nid)}"]`)
        ?.getBoundingClientRect();
      const c = r && { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      const inside =
        c && c.x > flow.x + 10 && c.x < flow.right - 10 && c.y > flow.y + 10 && c.y < flow.bottom - 10;
      const p = inside ? c : { x: flow.x + flow.width / 2, y: flow.y + flow.height / 2 };
      const el = document.elementFromPoint(p.x, p.y);
      const where = `node ${r ? [r.x, r.y, r.width, r.height].map(Math.round).join(',') : 'missing'} in canvas ${[flow.x, flow.y, flow.width, flow.height].map(Math.round).join(',')}`;
      return {
        ...p,
        where,
        under: el ? `${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''}` : 'nothing',
      };
    }, id);
    under = at.under;
    if (process.env.BENCH_DEBUG)
      console.log(
        `zoom ${zoom.toFixed(3)}: wheel at ${at.x.toFixed(0)},${at.y.toFixed(0)} over ${at.under}; ${at.where}`,
      );
    await page.mouse.move(at.x, at.y);
    // React Flow zooms by 2^(-deltaY * 0.002) per wheel event.
    await page.mouse.wheel(0, Math.max(-500, (Math.log2(zoom) * 500) | 0));
    await page.waitForTimeout(150);
  }
  throw new Error(
    `zooming in on ${id} with the wheel did not reach zoom 1 (at ${await zoomOf(page)}; the wheel was over ${under})`,
  );
}

async function nodeBox(page: Page, id: string): Promise<Box | null> {
  return page.evaluate((nid) => {
    const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(nid)}"]`);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, id);
}

const viewportTransform = (page: Page) =>
  page.evaluate(() => document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '');

/** A point of the canvas with only the empty pane around it (for panning). */
export async function emptyPanePoint(page: Page): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(() => {
    const flow = document.querySelector('.react-flow')!.getBoundingClientRect();
    const isPane = (x: number, y: number) =>
      document.elementFromPoint(x, y)?.classList.contains('react-flow__pane') ?? false;
    const cx = flow.x + flow.width / 2;
    const cy = flow.y + flow.height / 2;
    // Nearest clear spot to the centre: rings of candidates, outwards (hit tests are slow with 1000 nodes).
    for (let r = 0; r < Math.max(flow.width, flow.height) / 2 - 40; r += 16) {
      const steps = Math.max(1, Math.round((2 * Math.PI * r) / 16));
      for (let k = 0; k < steps; k++) {
        const x = cx + r * Math.cos((2 * Math.PI * k) / steps);
        const y = cy + r * Math.sin((2 * Math.PI * k) / steps);
        if (x < flow.x + 40 || x > flow.right - 120 || y < flow.y + 40 || y > flow.bottom - 120) continue;
        if ([-12, 0, 12].every((dx) => [-12, 0, 12].every((dy) => isPane(x + dx, y + dy)))) return { x, y };
      }
    }
    return null;
  });
  if (!p) throw new Error('no empty spot on the canvas to pan from');
  return p;
}

/**
 * The trace category of the compositor's DrawFrame events: one per frame the
 * page's compositor draws (DevTools' Frames track), small enough to trace
 * while measuring.
 */
const FRAMES_CATEGORY = 'disabled-by-default-devtools.timeline.frame';
const MARK_START = 'np-gesture-start';
const MARK_END = 'np-gesture-end';

/**
 * Frames per second the page's compositor drew between the two marks of a
 * trace (performance.mark in the page). Why not requestAnimationFrame
 * callbacks alone: a callback can end in no new frame (the main thread had
 * nothing to show, or its frame missed the compositor's deadline), so a page
 * can call back 58 times a second while its picture changes 30 times.
 */
export function framesDrawn(trace: Buffer | string): number {
  type Ev = { name?: string; ph?: string; pid?: number; ts?: number };
  const parsed = JSON.parse(trace.toString()) as { traceEvents?: Ev[] } | Ev[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const mark = (name: string) => events.find((e) => e.name === name && typeof e.ts === 'number');
  const start = mark(MARK_START);
  const end = mark(MARK_END);
  if (!start || !end || end.ts! <= start.ts!)
    throw new Error(`the trace of the gesture lacks its marks (${MARK_START}, ${MARK_END})`);
  const drawn = events.filter(
    (e) => e.name === 'DrawFrame' && e.pid === start.pid && e.ts! >= start.ts! && e.ts! <= end.ts!,
  ).length;
  return (drawn * 1e6) / (end.ts! - start.ts!);
}

/**
 * Moves the pressed mouse along a loop for `ms`; the page's frames over that
 * time: requestAnimationFrame callbacks (count, longest gap) and frames drawn
 * per second (framesDrawn, from a trace of the gesture).
 */
async function gesture(page: Page, from: { x: number; y: number }, ms: number, radius: number) {
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser to trace the gesture in');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  // A few pixels first: React Flow starts a drag past its threshold.
  await page.mouse.move(from.x + 4, from.y + 2, { steps: 2 });
  await browser.startTracing(page, { categories: [FRAMES_CATEGORY, 'blink.user_timing'] });
  let trace: Buffer | undefined;
  try {
    await page.evaluate((m) => {
      performance.mark(m);
      (window as unknown as Win).__bench.startFrames();
    }, MARK_START);
    const t0 = Date.now();
    let moves = 0;
    while (Date.now() - t0 < ms) {
      const a = moves * 0.12;
      // A figure of eight around the start that drifts a little right (the end differs from the start; the node or view stays near where it was).
      await page.mouse.move(
        from.x + 4 + radius * Math.sin(a) + Math.min(40, moves * 0.3),
        from.y + 2 + (radius / 2) * Math.sin(2 * a),
      );
      moves++;
    }
    const f = await page.evaluate((m) => {
      const r = (window as unknown as Win).__bench.stopFrames();
      performance.mark(m);
      return r;
    }, MARK_END);
    trace = await browser.stopTracing();
    return { ...f, drawn: framesDrawn(trace), moves, end: async () => page.mouse.up() };
  } finally {
    // A gesture that failed half way stops its trace (the browser takes one at a time) and lets the mouse go.
    if (!trace) {
      await browser.stopTracing().catch(() => undefined);
      await page.mouse.up().catch(() => undefined);
    }
  }
}

/**
 * Drags the node, then pans from an empty spot; frame rates and longest
 * frames. The node stays selected from the time-to-interactive click, as
 * after a user's click (the app then shows it in its inspector).
 */
async function dragAndPan(page: Page, o: MeasureOptions) {
  const grab = await grabPoint(page, o.nodeId);
  const box = await nodeBox(page, o.nodeId);
  if (!grab || !box) throw new Error(`node ${o.nodeId} is not on the canvas`);
  const drag = await gesture(page, grab, o.gestureMs, 60);
  const moved = await nodeBox(page, o.nodeId);
  await drag.end();
  if (!moved || Math.hypot(moved.x - box.x, moved.y - box.y) < 5) {
    const at = await page.evaluate((p) => document.elementFromPoint(p.x, p.y)?.outerHTML.slice(0, 200), grab);
    throw new Error(
      `dragging node ${o.nodeId} did not move it (zoom ${await zoomOf(page)}, grabbed at ${grab.x.toFixed(1)},${grab.y.toFixed(1)} on ${at}, ${drag.moves} moves)`,
    );
  }
  await page.waitForTimeout(500);

  const spot = await emptyPanePoint(page);
  const before = await viewportTransform(page);
  const pan = await gesture(page, spot, o.gestureMs, 80);
  const after = await viewportTransform(page);
  const nodesInDom = await page.evaluate(() => document.getElementsByClassName('react-flow__node').length);
  await pan.end();
  if (before === after) throw new Error('panning did not move the view');
  await page.waitForTimeout(300);
  return {
    dragDrawn: drag.drawn,
    dragFps: (drag.frames * 1000) / drag.ms,
    dragLongest: drag.longestFrame,
    panDrawn: pan.drawn,
    panFps: (pan.frames * 1000) / pan.ms,
    panLongest: pan.longestFrame,
    nodesInDom,
  };
}

/** Measures one page once. Throws when a figure cannot be measured. */
export async function measurePage(browser: Browser, o: MeasureOptions): Promise<Figures> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // Why: tsx compiles this file with esbuild's keepNames, which wraps functions in __name(...);
    // functions sent to the page (init script, evaluate) need that helper there too.
    await page.addInitScript({ content: 'globalThis.__name ??= (f) => f;' });
    await page.addInitScript(instrument, o.file);
    await page.goto(o.url);
    await page
      .waitForFunction(() => (window as unknown as Win).__bench?.firstRender != null, null, {
        timeout: 60_000,
        polling: 50,
      })
      .catch((e: unknown) => {
        throw new Error(
          `the page never showed the nodes: ${String(e)}${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`,
        );
      });
    const probe0 = await page.evaluate(() => {
      const b = (window as unknown as Win).__bench;
      return { firstRender: b.firstRender!, injectedAt: b.injectedAt! };
    });

    // Time to interactive: click the node until a click selects it.
    await page.evaluate((id) => (window as unknown as Win).__bench.watchSelected(id), o.nodeId);
    const deadline = Date.now() + 30_000;
    let selected = false;
    while (!selected && Date.now() < deadline) {
      const p = await grabPoint(page, o.nodeId);
      if (p) await page.mouse.click(p.x, p.y);
      selected = await page
        .waitForFunction(() => (window as unknown as Win).__bench.selectedAt !== null, null, {
          timeout: 1000,
          polling: 'raf',
        })
        .then(
          () => true,
          () => false,
        );
    }
    if (!selected) throw new Error(`clicking node ${o.nodeId} never selected it`);
    const interactive = await page.evaluate(() => (window as unknown as Win).__bench.selectedAt!);

    // Let deferred work of the open (validation, fit view) finish before the frame-rate figures.
    await page.waitForTimeout(1500);
    const view = await page.evaluate(() => {
      const b = (window as unknown as Win).__bench;
      const r = document.querySelector('.react-flow')!.getBoundingClientRect();
      const m = /scale\(([\d.e-]+)\)/.exec(
        document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '',
      );
      return {
        zoom: m ? Number(m[1]) : NaN,
        canvas: { width: Math.round(r.width), height: Math.round(r.height) },
        longTasks: b.longTasks.filter(([s]) => s <= b.selectedAt!),
      };
    });
    if (o.screenshot) await page.screenshot({ path: o.screenshot });

    let far: Awaited<ReturnType<typeof dragAndPan>>;
    let close: typeof far & { zoom: number };
    try {
      far = await dragAndPan(page, o);
      close = { zoom: await zoomInOn(page, o.nodeId), ...(await dragAndPan(page, o)) };
    } catch (e) {
      if (o.failureShot) await page.screenshot({ path: o.failureShot }).catch(() => undefined);
      throw e;
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);

    return {
      firstRender: probe0.firstRender.t,
      injected: probe0.injectedAt,
      interactive,
      dragDrawn: far.dragDrawn,
      dragFps: far.dragFps,
      dragLongest: far.dragLongest,
      panDrawn: far.panDrawn,
      panFps: far.panFps,
      panLongest: far.panLongest,
      closeZoom: close.zoom,
      closeDragDrawn: close.dragDrawn,
      closeDragFps: close.dragFps,
      closeDragLongest: close.dragLongest,
      closePanDrawn: close.panDrawn,
      closePanFps: close.panFps,
      closePanLongest: close.panLongest,
      closeNodesInDom: close.nodesInDom,
      nodesInDom: probe0.firstRender.nodes,
      edgesInDom: probe0.firstRender.edges,
      longTasks: view.longTasks.length,
      longTaskMs: view.longTasks.reduce((s, [, d]) => s + d, 0),
      zoom: view.zoom,
      canvas: view.canvas,
    };
  } finally {
    await context.close();
  }
}
