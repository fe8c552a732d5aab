/**
 * The kinds' line icons as data (24×24, stroked, no fill), so the palette,
 * the canvas (as a CSS mask) and exporters draw the same picture.
 */
import type { IconShape } from './types';

const path = (d: string, extra: Record<string, string | number> = {}): IconShape => ({
  el: 'path',
  attrs: { d, ...extra },
});
const rect = (x: number, y: number, width: number, height: number, rx: number): IconShape => ({
  el: 'rect',
  attrs: { x, y, width, height, rx },
});

export const NAMESPACE_ICON: readonly IconShape[] = [rect(3, 4, 18, 12, 2), path('M8 20h8M12 16v4')];
export const ROUTER_ICON: readonly IconShape[] = [
  { el: 'circle', attrs: { cx: 12, cy: 12, r: 8 } },
  path('M12 5v5M12 14v5M5 12h5M14 12h5M10 7l2-2 2 2M10 17l2 2 2-2M7 10l-2 2 2 2M17 10l2 2-2 2'),
];
export const BRIDGE_ICON: readonly IconShape[] = [
  rect(2, 8, 20, 8, 2),
  path('M6 12h.01M10 12h.01M14 12h.01M18 12h.01', { strokeWidth: 2.5 }),
];
export const HOST_ICON: readonly IconShape[] = [rect(4, 3, 16, 18, 2), path('M8 7h8M8 11h8M8 15h3')];

/** An icon as standalone SVG text (black strokes), e.g. for a CSS mask. */
export function iconSvg(icon: readonly IconShape[]): string {
  const attr = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const body = icon
    .map(
      (s) =>
        `<${s.el} ${Object.entries(s.attrs)
          .map(([k, v]) => `${attr(k)}='${v}'`)
          .join(' ')}/>`,
    )
    .join('');
  return (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='black' " +
    `stroke-width='1.6' stroke-linecap='round' stroke-linejoin='round'>${body}</svg>`
  );
}
