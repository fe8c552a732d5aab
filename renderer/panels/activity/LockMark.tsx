/** The padlocks on locked canvas nodes and links (student and author modes), with the reason as their tooltip. */
import { lockReason } from '../../../shared/activity';
import { useEditor } from '../../store/editor';
import { useActivity } from './activity-store';

export function LockMark({ id }: { id: string }) {
  const on = useActivity((s) => s.mode !== 'off');
  const reason = useEditor((s) =>
    s.doc.activity ? lockReason(s.doc.activity.locked, { nodeId: id }) : null,
  );
  if (!on || !reason) return null;
  return (
    <span
      className="np-lock"
      role="img"
      aria-label={`Locked: ${reason}`}
      title={`${reason} (you may still move it)`}
      data-testid={`lock-${id}`}
    >
      <Padlock />
    </span>
  );
}

/** A small padlock drawn in SVG (no emoji font is needed). */
export function Padlock({ size = 12 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
    </svg>
  );
}

/** The padlock at the middle of a locked link (SVG, inside the edge layer). */
export function LinkLockMark({ id, x, y }: { id: string; x: number; y: number }) {
  const on = useActivity((s) => s.mode !== 'off');
  const reason = useEditor((s) =>
    s.doc.activity ? lockReason(s.doc.activity.locked, { linkId: id }) : null,
  );
  if (!on || !reason) return null;
  return (
    <g
      className="np-lock-edge"
      transform={`translate(${x - 10} ${y - 10})`}
      data-testid={`lock-${id}`}
      role="img"
      aria-label={`Locked: ${reason}`}
    >
      <title>{reason}</title>
      <circle cx={10} cy={10} r={10} />
      <g transform="translate(4 4) scale(0.75)">
        <path d="M4.5 7V5a3.5 3.5 0 0 1 7 0v2" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
      </g>
    </g>
  );
}
