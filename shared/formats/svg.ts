/**
 * A picture of a topology as a standalone SVG document, drawn from the canvas
 * positions (auto-laid-out when the file has none): one box per node with an
 * icon and colour per kind, links as lines labelled with interface names and
 * addresses at each end, group and text annotations. Pure string building;
 * every piece of text from the file is escaped.
 */
import { linkKind, NODE_KINDS_REGISTRY } from '../kinds';
import type { LinkEnd, Topology, TopoNode } from '../model';
import { withPositions } from './layout';

/** Options of the SVG export. */
export interface SvgOptions {
  /** Draw the lab name as a title (default true). */
  title?: boolean;
  /** Show addresses next to interface names (default true). */
  addresses?: boolean;
}

/** Node box size, in canvas units (positions are the box's top-left corner, as on the canvas). */
const NODE_BOX = { w: 150, h: 56 } as const;

/** Escapes text for SVG/XML content and attribute values. */
function escapeXml(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    // XML 1.0 forbids most control characters even when escaped: drop them.
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) continue;
    if (c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff)) continue;
    out +=
      ch === '&'
        ? '&amp;'
        : ch === '<'
          ? '&lt;'
          : ch === '>'
            ? '&gt;'
            : ch === '"'
              ? '&quot;'
              : ch === "'"
                ? '&apos;'
                : ch;
  }
  return out;
}

const num = (n: number) => String(Math.round(n * 10) / 10);

/** A small icon for a kind, drawn in a 20×20 box at (x, y). */
function icon(kind: TopoNode['kind'], x: number, y: number, stroke: string): string {
  const g = (body: string) =>
    `<g transform="translate(${num(x)},${num(y)})" fill="none" stroke="${stroke}" stroke-width="1.6">${body}</g>`;
  switch (kind) {
    case 'namespace': // a screen on a stand
      return g('<rect x="1" y="2" width="18" height="12" rx="1.5"/><path d="M7 18h6M10 14v4"/>');
    case 'router': // a circle with four arrows
      return g(
        '<circle cx="10" cy="10" r="9"/><path d="M10 3v14M3 10h14M10 3l-2 2M10 3l2 2M10 17l-2-2M10 17l2-2M3 10l2-2M3 10l2 2M17 10l-2-2M17 10l-2 2"/>',
      );
    case 'bridge': // a switch with ports
      return g(
        '<rect x="1" y="5" width="18" height="10" rx="1.5"/><path d="M4 12h2M8 12h2M12 12h2M16 12h1"/>',
      );
    case 'host': // a server
      return g(
        '<rect x="2" y="1" width="16" height="8" rx="1"/><rect x="2" y="11" width="16" height="8" rx="1"/><path d="M5 5h2M5 15h2"/>',
      );
  }
}

/** Approximate rendered width of a label (no font metrics in pure code). */
const textWidth = (s: string, size: number) => s.length * size * 0.6;

function endLabel(e: LinkEnd, withAddresses: boolean): string[] {
  return [e.ifname, ...(withAddresses ? e.addresses : [])];
}

/** Renders the topology as an SVG document. */
export function toSvg(topology: Topology, opts: SvgOptions = {}): string {
  const t = withPositions(topology);
  const showTitle = opts.title ?? true;
  const withAddresses = opts.addresses ?? true;
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const center = (n: TopoNode) => ({ x: n.position!.x + NODE_BOX.w / 2, y: n.position!.y + NODE_BOX.h / 2 });

  // Bounds: nodes, annotations, and room for end labels.
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of t.nodes) {
    xs.push(n.position!.x, n.position!.x + NODE_BOX.w);
    ys.push(n.position!.y, n.position!.y + NODE_BOX.h);
  }
  for (const a of t.annotations) {
    xs.push(a.position.x, a.position.x + (a.width ?? textWidth(a.text, 13)));
    ys.push(a.position.y, a.position.y + (a.height ?? 20));
  }
  if (xs.length === 0) {
    xs.push(0, 200);
    ys.push(0, 60);
  }
  const pad = 60;
  const top = Math.min(...ys) - pad - (showTitle ? 30 : 0);
  const left = Math.min(...xs) - pad;
  const width = Math.max(...xs) + pad - left;
  const height = Math.max(...ys) + pad - top;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${num(left)} ${num(top)} ${num(width)} ${num(height)}" width="${num(width)}" height="${num(height)}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
  );
  out.push(`<title>${escapeXml(t.name)}</title>`);
  if (t.description) out.push(`<desc>${escapeXml(t.description)}</desc>`);
  out.push(
    `<rect x="${num(left)}" y="${num(top)}" width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`,
  );
  if (showTitle)
    out.push(
      `<text x="${num(left + 20)}" y="${num(top + 30)}" font-size="18" font-weight="600" fill="#111827">${escapeXml(t.name)}</text>`,
    );

  for (const a of t.annotations.filter((x) => x.kind === 'group')) {
    out.push(
      `<g class="group"><rect x="${num(a.position.x)}" y="${num(a.position.y)}" width="${num(a.width ?? 300)}" height="${num(a.height ?? 200)}" rx="10" fill="#f9fafb" stroke="#9ca3af" stroke-dasharray="6 4"/>`,
    );
    if (a.text)
      out.push(
        `<text x="${num(a.position.x + 10)}" y="${num(a.position.y + 18)}" font-size="12" fill="#6b7280">${escapeXml(a.text)}</text>`,
      );
    out.push('</g>');
  }

  // Links under the nodes; end labels just outside each end's box, slid further along the
  // link while they would cover a label already placed (ports of one bridge fan out).
  const labels: string[] = [];
  const placed: { x: number; y: number; w: number; h: number }[] = [];
  const overlaps = (r: { x: number; y: number; w: number; h: number }) =>
    placed.some((p) => r.x < p.x + p.w && p.x < r.x + r.w && r.y < p.y + p.h && p.y < r.y + r.h);
  for (const l of t.links) {
    const a = byId.get(l.a.node);
    const b = byId.get(l.b.node);
    if (!a || !b) continue;
    const pa = center(a);
    const pb = a === b ? { x: pa.x + 1, y: pa.y + NODE_BOX.h } : center(b);
    const down = !l.a.up || !l.b.up;
    // The link kind's dash (vxlan) and label (VNI 42), as on the canvas.
    const look = linkKind(l).style;
    const dash = look.dash ?? (down ? '5 4' : undefined);
    out.push(
      `<line x1="${num(pa.x)}" y1="${num(pa.y)}" x2="${num(pb.x)}" y2="${num(pb.y)}" stroke="#374151" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}><title>${escapeXml(l.label ?? look.label?.(l) ?? l.id)}</title></line>`,
    );
    if (look.label)
      labels.push(
        `<text x="${num((pa.x + pb.x) / 2)}" y="${num((pa.y + pb.y) / 2 - 6)}" font-size="11" font-weight="600" text-anchor="middle" fill="#374151">${escapeXml(look.label(l))}</text>`,
      );
    for (const [e, from, to] of [
      [l.a, pa, pb],
      [l.b, pb, pa],
    ] as const) {
      const lines = endLabel(e, withAddresses);
      const w = Math.max(...lines.map((s) => textWidth(s, 11))) + 8;
      const h = lines.length * 13 + 4;
      // Just outside the node box: where the line leaves the box, plus half the label.
      const dx = to.x - from.x;
      const dy = to.y - from.y;
      const len = Math.max(1, Math.hypot(dx, dy));
      const exit = Math.min(
        dx ? NODE_BOX.w / 2 / Math.abs(dx / len) : Infinity,
        dy ? NODE_BOX.h / 2 / Math.abs(dy / len) : Infinity,
      );
      const clear = Math.abs(dx / len) * (w / 2) + Math.abs(dy / len) * (h / 2) + 6;
      const f0 = Math.min(0.45, (exit + clear) / len);
      // Candidates: further along the link, then beside it (either side); the first free one wins.
      let best = { x: from.x + dx * f0, y: from.y + dy * f0 };
      search: for (const side of [0, 1, -1]) {
        for (let g = f0; g <= 0.45; g += 6 / len) {
          const c = {
            x: from.x + dx * g + (side * -dy * (h + 2)) / len,
            y: from.y + dy * g + (side * dx * (h + 2)) / len,
          };
          if (!overlaps({ x: c.x - w / 2, y: c.y - h / 2, w, h })) {
            best = c;
            break search;
          }
        }
      }
      const { x, y } = best;
      placed.push({ x: x - w / 2, y: y - h / 2, w, h });
      labels.push(
        `<g class="end"><rect x="${num(x - w / 2)}" y="${num(y - h / 2)}" width="${num(w)}" height="${num(h)}" rx="3" fill="#ffffff" fill-opacity="0.9"/>`,
      );
      lines.forEach((s, i) =>
        labels.push(
          `<text x="${num(x)}" y="${num(y - h / 2 + 13 + i * 13)}" font-size="11" text-anchor="middle" fill="${i === 0 ? '#111827' : '#4b5563'}">${escapeXml(s)}</text>`,
        ),
      );
      labels.push('</g>');
    }
  }

  for (const n of t.nodes) {
    // The canvas' own colours (renderer/styles/app.css) and box shape, from the kind descriptor, so a picture matches the screen.
    const s = NODE_KINDS_REGISTRY[n.kind].export.svg;
    const { x, y } = n.position!;
    const title = n.label ?? n.name;
    const sub =
      n.kind === 'bridge' && n.namespace
        ? `bridge in ${byId.get(n.namespace)?.name ?? n.namespace}`
        : n.label && n.label !== n.name
          ? `${s.text} ${n.name}`
          : s.text;
    out.push(`<g class="node ${n.kind}">`);
    out.push(
      `<rect x="${num(x)}" y="${num(y)}" width="${NODE_BOX.w}" height="${NODE_BOX.h}" rx="${s.rx}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="2"/>`,
    );
    out.push(icon(n.kind, x + 12, y + 18, s.stroke));
    out.push(
      `<text x="${num(x + 40)}" y="${num(y + 25)}" font-size="14" font-weight="600" fill="#111827">${escapeXml(title)}</text>`,
    );
    out.push(
      `<text x="${num(x + 40)}" y="${num(y + 42)}" font-size="11" fill="#4b5563">${escapeXml(sub)}</text>`,
    );
    out.push('</g>');
  }
  out.push(...labels);
  for (const a of t.annotations.filter((x) => x.kind === 'text')) {
    a.text
      .split('\n')
      .forEach((line, i) =>
        out.push(
          `<text x="${num(a.position.x)}" y="${num(a.position.y + 14 + i * 16)}" font-size="13" fill="#374151">${escapeXml(line)}</text>`,
        ),
      );
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
