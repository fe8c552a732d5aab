/**
 * Canvas edges: a straight line per veth link with its two interface names
 * near the ends (SVG text, cheap with a thousand links), a problem colour and
 * the live state on hover. Zoomed far out the canvas draws every link in
 * one layer of lines instead (FarLinks.tsx).
 */
import { memo, useContext } from 'react';
import { BaseEdge, getStraightPath, type EdgeProps } from '@xyflow/react';
import { linkKind } from '../../shared/kinds';
import type { FlowEdge } from '../store/derive';
import { edgeClass, isDown, useFloatingEnds } from './edge-parts';
import { midTextOffsets, netemText } from './geometry';
import { ExtensionsContext } from './extensions';

function at(t: number, x1: number, y1: number, x2: number, y2: number) {
  return { x: x1 + (x2 - x1) * t, y: y1 + (y2 - y1) * t };
}

/** A stable 0/1 per link id. */
function stagger(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return h & 1;
}

function LinkEdgeView({
  id,
  source,
  target,
  sourceX: sx0,
  sourceY: sy0,
  targetX: tx0,
  targetY: ty0,
  data,
  selected,
}: EdgeProps<FlowEdge>) {
  const ends = useFloatingEnds(source, target);
  const { sourceX, sourceY, targetX, targetY } = ends ?? {
    sourceX: sx0,
    sourceY: sy0,
    targetX: tx0,
    targetY: ty0,
  };
  const [path] = getStraightPath({ sourceX, sourceY, targetX, targetY });
  const link = data!.link;
  const { EdgeOverlay, EdgeBadge } = useContext(ExtensionsContext);
  const len = Math.hypot(targetX - sourceX, targetY - sourceY);
  // Each name sits far enough from its node that names of links sharing a handle fan apart.
  // Every other link puts its names a little further out, so links leaving a handle at nearly the same angle do not collide.
  const d = 34 + (stagger(link.id) ? 24 : 0);
  const ta = len > 0 ? Math.min(0.42, d / len) : 0.2;
  const tb = len > 0 ? Math.min(0.42, d / len) : 0.2;
  const pa = at(ta, sourceX, sourceY, targetX, targetY);
  const pb = at(1 - tb, sourceX, sourceY, targetX, targetY);
  // Each name grows away from its line, on the side the line leaves towards, so names of
  // links that share a handle spread out instead of piling up on each other.
  const side = targetX - sourceX >= 0 ? 1 : -1;
  const down = isDown(link);
  const downText = down
    ? `set down: ${[!link.a.up ? link.a.ifname : '', !link.b.up ? link.b.ifname : ''].filter(Boolean).join(' and ')}`
    : '';
  // The link kind's look (class, dash) comes from its descriptor.
  const look = linkKind(link).style;
  const cls = edgeClass(data!, selected);
  const mid = at(0.5, sourceX, sourceY, targetX, targetY);
  // Link emulation is part of the link's state: shown on it, per end when the ends differ.
  const na = netemText(link.a.netem);
  const nb = netemText(link.b.netem);
  const netem =
    na === nb
      ? na
      : [na && `${link.a.ifname}: ${na}`, nb && `${link.b.ifname}: ${nb}`].filter(Boolean).join('; ');
  // The kind's label and link emulation both sit at the midpoint: kept apart (VNI above, netem below).
  const dy = midTextOffsets({ kind: !!look.label, netem: !!netem, down });
  return (
    <g className={cls} data-testid={`edge-${id}`}>
      <title>{`${link.a.ifname} ⟷ ${link.b.ifname}${downText ? `\n${downText}` : ''}${data!.liveDetail ? `\n${data!.liveDetail}` : ''}`}</title>
      <BaseEdge
        id={id}
        path={path}
        interactionWidth={14}
        style={look.dash ? { strokeDasharray: look.dash } : undefined}
      />
      <EdgeOverlay id={id} d={path} />
      {look.label && (
        <text x={mid.x} y={mid.y + dy.kind} className="np-edge__if np-edge__kind" textAnchor="middle">
          {look.label(link)}
        </text>
      )}
      {netem && (
        <text
          x={mid.x}
          y={mid.y + dy.netem}
          className="np-edge__netem"
          textAnchor="middle"
          data-testid={`edge-netem-${id}`}
        >
          {netem}
        </text>
      )}
      {down && (
        <g
          className="np-edge__down"
          data-testid={`edge-down-${id}`}
          transform={`translate(${mid.x} ${mid.y})`}
        >
          <rect x={-17} y={-8} width={34} height={16} rx={8} />
          <text textAnchor="middle" dominantBaseline="central">
            down
          </text>
        </g>
      )}
      <EdgeBadge id={id} x={mid.x + (down ? 30 : 0)} y={mid.y} />
      {len > 60 && (
        <>
          <text
            x={pa.x + side * 5}
            y={pa.y}
            className="np-edge__if"
            textAnchor={side > 0 ? 'start' : 'end'}
            dominantBaseline="middle"
          >
            {link.a.ifname}
          </text>
          <text
            x={pb.x - side * 5}
            y={pb.y}
            className="np-edge__if"
            textAnchor={side > 0 ? 'end' : 'start'}
            dominantBaseline="middle"
          >
            {link.b.ifname}
          </text>
        </>
      )}
    </g>
  );
}

/** React Flow edge types, at module scope. */
export const edgeTypes = { link: memo(LinkEdgeView) };
