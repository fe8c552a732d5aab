/** Plane geometry and small labels for the canvas (pure). */

/** A node's box on the canvas. */
export type Box = { x: number; y: number; w: number; h: number };

/** Where the line from the centre of `a` towards the centre of `b` leaves `a`'s box (pure). */
export function borderPoint(a: Box, b: Box): { x: number; y: number } {
  const cx = a.x + a.w / 2;
  const cy = a.y + a.h / 2;
  const dx = b.x + b.w / 2 - cx;
  const dy = b.y + b.h / 2 - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const t = Math.min(dx ? a.w / 2 / Math.abs(dx) : Infinity, dy ? a.h / 2 / Math.abs(dy) : Infinity);
  return { x: cx + dx * t, y: cy + dy * t };
}

/** Netem settings in a few words, e.g. "50 ms ±5, 1% loss" (pure; empty when none). */
export function netemText(
  n: { delayMs?: number; jitterMs?: number; lossPercent?: number; rateKbit?: number } | undefined,
): string {
  if (!n) return '';
  const parts: string[] = [];
  if (n.delayMs !== undefined) parts.push(`${n.delayMs} ms${n.jitterMs ? ` ±${n.jitterMs}` : ''}`);
  if (n.lossPercent) parts.push(`${n.lossPercent}% loss`);
  if (n.rateKbit !== undefined)
    parts.push(n.rateKbit >= 1000 ? `${n.rateKbit / 1000} Mbit/s` : `${n.rateKbit} kbit/s`);
  return parts.join(', ');
}

/**
 * Where the texts at a link's midpoint sit, as y offsets of their baselines
 * from the midpoint: the kind's label (`VNI 42`) above the line; link
 * emulation above it too when it is alone, else below the line (clear of the
 * label, and under the 16 px "down" pill when the link is set down).
 */
export function midTextOffsets(o: { kind: boolean; netem: boolean; down: boolean }): {
  kind: number;
  netem: number;
} {
  return { kind: o.down ? -12 : -10, netem: o.down ? 20 : o.kind ? 18 : -10 };
}
