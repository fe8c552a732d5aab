/**
 * The in-page half of the benchmark, installed with addInitScript before any
 * of the page's own scripts run. It is self-contained (Playwright serialises
 * the function): it opens the topology file through the page's file input as
 * soon as the page renders it, and records, in milliseconds since navigation
 * start (performance.now()):
 * - `firstRender`: the paint of the first frame showing the nodes (React Flow
 *   renders nodes hidden until it has measured them: the frame where the
 *   rendered nodes are visible and edges are drawn: React Flow's edge
 *   elements, or the lines of the app's far-links layer, which draws every
 *   link when zoomed far out);
 * - `selectedAt`: the paint of the first frame where the watched node is selected;
 * - frames (requestAnimationFrame callbacks) between startFrames and stopFrames;
 * - long tasks (PerformanceObserver 'longtask').
 */

/** What the page exposes as window.__bench. */
export interface BenchProbe {
  injectedAt: number | null;
  firstRender: { t: number; nodes: number; edges: number } | null;
  selectedAt: number | null;
  longTasks: [start: number, duration: number][];
  watchSelected(id: string): void;
  startFrames(): void;
  stopFrames(): { frames: number; ms: number; longestFrame: number };
}

/** The file to open. */
export interface InjectedFile {
  text: string;
  fileName: string;
}

/** Installed in the page (must not reference anything outside its body). */
export function instrument(file: InjectedFile): void {
  if (window.top !== window) return;
  // Runs `cb` after the next frame has been painted: rAF, then a task (the paint follows the rAF callbacks).
  const afterPaint = (cb: () => void) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => cb();
      ch.port2.postMessage(0);
    });
  let frames: number[] | null = null;
  const probe: BenchProbe = {
    injectedAt: null,
    firstRender: null,
    selectedAt: null,
    longTasks: [],
    watchSelected(id) {
      const check = () => {
        const el = document.querySelector(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
        if (el?.classList.contains('selected')) afterPaint(() => (probe.selectedAt ??= performance.now()));
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    },
    startFrames() {
      frames = [];
      const tick = (t: number) => {
        if (!frames) return;
        frames.push(t);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    stopFrames() {
      const f = frames ?? [];
      frames = null;
      let longest = 0;
      for (let i = 1; i < f.length; i++) longest = Math.max(longest, f[i] - f[i - 1]);
      return {
        frames: Math.max(0, f.length - 1),
        ms: f.length > 1 ? f[f.length - 1] - f[0] : 0,
        longestFrame: longest,
      };
    },
  };
  (window as unknown as { __bench: BenchProbe }).__bench = probe;

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long task timing: the figures do not depend on it.
  }

  // Open the file through the page's own file input (the browser-mode Open path) as soon as it exists.
  const inject = (): boolean => {
    const input = document.querySelector<HTMLInputElement>('input[type=file][data-testid="open-file-input"]');
    if (!input) return false;
    const dt = new DataTransfer();
    dt.items.add(new File([file.text], file.fileName, { type: 'application/yaml' }));
    input.files = dt.files;
    probe.injectedAt = performance.now();
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return true;
  };
  const mo = new MutationObserver(() => {
    if (inject()) mo.disconnect();
  });
  mo.observe(document, { childList: true, subtree: true });

  // First render: every rendered node visible (measured) and the edges drawn.
  const nodes = document.getElementsByClassName('react-flow__node') as HTMLCollectionOf<HTMLElement>;
  const edges = document.getElementsByClassName('react-flow__edge');
  // Zoomed far out the app draws every link as a segment of its far-links layers (no React Flow edges): count those.
  const edgesDrawn = () => {
    let n = edges.length;
    document
      .querySelectorAll('[data-testid^="far-links"] path')
      .forEach((p) => (n += (p.getAttribute('d') ?? '').split('M').length - 1));
    return n;
  };
  const shown = (el: HTMLElement) => el.style.visibility !== 'hidden';
  const poll = () => {
    if (
      probe.injectedAt !== null &&
      nodes.length > 0 &&
      edgesDrawn() > 0 &&
      shown(nodes[0]) &&
      shown(nodes[nodes.length - 1])
    ) {
      const n = nodes.length;
      const e = edgesDrawn();
      afterPaint(() => (probe.firstRender = { t: performance.now(), nodes: n, edges: e }));
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}
