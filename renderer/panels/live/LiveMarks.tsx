/**
 * What the live lab adds to canvas nodes and edges: a check badge and the
 * step-mode ring on nodes; a traffic overlay (animated dashes, direction and
 * thickness from the kernel's counters) and the step-mode highlight on edges.
 * Each subscribes to its own entry only, so a new sample redraws just the
 * edges whose traffic changed.
 */
import { memo } from 'react';
import { useLive } from './live-store';
import { nodeCheckBadge } from './checks';

/** Badge and hop ring for node `id` (inside the node's box). */
export const LiveNodeMarks = memo(function LiveNodeMarks({ id }: { id: string }) {
  const hop = useLive((s) => s.highlight?.nodeId === id);
  const badge = useLive((s) => {
    const b = nodeCheckBadge(id, s.checks);
    return b ? `${b.pass}|${b.fail}` : '';
  });
  const [pass, fail] = badge ? badge.split('|').map(Number) : [0, 0];
  return (
    <>
      {badge && (
        <span
          className={`np-check-badge${fail ? ' is-fail' : ''}`}
          data-testid={`check-${id}`}
          title={`${pass} check${pass === 1 ? '' : 's'} from here pass${fail ? `, ${fail} fail` : ''}`}
        >
          {fail ? `✗${fail}` : `✓${pass}`}
        </span>
      )}
      {hop && <span className="np-hop-ring" data-testid={`hop-${id}`} aria-hidden="true" />}
    </>
  );
});

/** Traffic/hop overlay for edge `id`, drawn on top of its path `d`. */
export const LiveEdgeMarks = memo(function LiveEdgeMarks({ id, d }: { id: string; d: string }) {
  const t = useLive((s) => s.traffic[id]);
  const hop = useLive((s) => s.highlight?.linkId === id);
  if (!t && !hop) return null;
  return (
    <>
      {hop && <path d={d} className="np-edge-hop" />}
      {t && (
        <path d={d} className={`np-traffic dir-${t.dir} traffic-${t.level}`} data-testid={`traffic-${id}`} />
      )}
    </>
  );
});
