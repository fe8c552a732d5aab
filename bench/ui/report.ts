/**
 * The benchmark's printed table: medians of each figure for the app and the
 * bare React Flow page, the ratio, and whether the issue's target is met.
 */
import type { Figures } from './measure';

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Row {
  label: string;
  key: keyof Figures;
  unit: string;
  /** 'time': lower is better, target ratio <= limit; 'rate': higher is better, ratio >= limit. */
  kind: 'time' | 'rate' | 'info';
  limit?: number;
}

/** Issue 4's limits, and issue 13's for whole-drawing gestures (at least the bare page's frame rate). */
const ROWS: Row[] = [
  { label: 'time to first render', key: 'firstRender', unit: 'ms', kind: 'time', limit: 1.3 },
  { label: 'time to interactive', key: 'interactive', unit: 'ms', kind: 'time', limit: 1.3 },
  { label: 'drag fps (whole drawing)', key: 'dragDrawn', unit: 'fps', kind: 'rate', limit: 1.0 },
  { label: 'pan fps (whole drawing)', key: 'panDrawn', unit: 'fps', kind: 'rate', limit: 1.0 },
  { label: 'drag fps (zoom 1)', key: 'closeDragDrawn', unit: 'fps', kind: 'rate', limit: 0.8 },
  { label: 'pan fps (zoom 1)', key: 'closePanDrawn', unit: 'fps', kind: 'rate', limit: 0.8 },
  { label: '  rAF callbacks/s, drag (whole)', key: 'dragFps', unit: 'fps', kind: 'info' },
  { label: '  rAF callbacks/s, pan (whole)', key: 'panFps', unit: 'fps', kind: 'info' },
  { label: '  rAF callbacks/s, drag (zoom 1)', key: 'closeDragFps', unit: 'fps', kind: 'info' },
  { label: '  rAF callbacks/s, pan (zoom 1)', key: 'closePanFps', unit: 'fps', kind: 'info' },
  { label: '  file handed to the page at', key: 'injected', unit: 'ms', kind: 'info' },
  { label: '  longest frame while dragging', key: 'dragLongest', unit: 'ms', kind: 'info' },
  { label: '  longest frame while panning', key: 'panLongest', unit: 'ms', kind: 'info' },
  { label: '  longest frame, drag at zoom 1', key: 'closeDragLongest', unit: 'ms', kind: 'info' },
  { label: '  longest frame, pan at zoom 1', key: 'closePanLongest', unit: 'ms', kind: 'info' },
  { label: '  long tasks until interactive', key: 'longTaskMs', unit: 'ms', kind: 'info' },
  { label: '  nodes in the DOM', key: 'nodesInDom', unit: '', kind: 'info' },
  { label: '  edges in the DOM', key: 'edgesInDom', unit: '', kind: 'info' },
  { label: '  zoom when opened', key: 'zoom', unit: '', kind: 'info' },
  { label: '  zoom of the zoom-1 gestures', key: 'closeZoom', unit: '', kind: 'info' },
  { label: '  nodes in the DOM at zoom 1', key: 'closeNodesInDom', unit: '', kind: 'info' },
];

/** Headless Chromium's frame rate (its requestAnimationFrame rate): no page can show more frames per second. */
const FRAME_CAP = 60;

const fmt = (v: number, unit: string) =>
  (unit === 'fps'
    ? v.toFixed(1)
    : unit === 'ms'
      ? v.toFixed(0)
      : Number.isInteger(v)
        ? String(v)
        : v.toFixed(3)) + (unit ? ` ${unit}` : '');

/** The table as text. */
export function report(app: readonly Figures[], bare: readonly Figures[]): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push(`${pad('figure (median)', 34)}${pad('app', 12)}${pad('bare', 12)}${pad('app/bare', 10)}target`);
  let met = 0;
  let total = 0;
  for (const r of ROWS) {
    const a = median(app.map((f) => f[r.key] as number));
    const b = median(bare.map((f) => f[r.key] as number));
    const ratio = b ? a / b : NaN;
    let target = '';
    if (r.kind !== 'info' && r.limit !== undefined) {
      // Both pages at the display's frame cap: the app is as smooth as the bare page, whatever noise the ratio shows.
      const capped = r.kind === 'rate' && a >= FRAME_CAP * 0.98 && b >= FRAME_CAP * 0.98;
      const ok = r.kind === 'time' ? ratio <= r.limit : ratio >= r.limit || capped;
      total++;
      if (ok) met++;
      target = `${r.kind === 'time' ? '<=' : '>='} ${r.limit}x ${ok ? 'MET' : 'NOT MET'}${capped && ratio < r.limit ? ` (both at the ${FRAME_CAP} fps frame cap)` : ''}`;
    }
    lines.push(
      `${pad(r.label, 34)}${pad(fmt(a, r.unit), 12)}${pad(fmt(b, r.unit), 12)}${pad(Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-', 10)}${target}`,
    );
  }
  lines.push(
    `targets met: ${met} of ${total} (times are from navigation start; frame rates are frames the page's compositor drew per second, from a trace; a dragged node snaps to a 16-unit grid in both pages)`,
  );
  return lines.join('\n');
}
