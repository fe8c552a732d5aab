/** Every validation problem; clicking one selects and centres its node or link. */
import { useReactFlow } from '@xyflow/react';
import { editorStore, useEditor } from '../store/editor';
import { centreOn } from '../canvas/view-helpers';
import type { FlowEdge, FlowNode } from '../store/derive';
import type { Problem } from '../../shared/validate/problem';

/** What a problem is about: the object its path points into, else the node/link it names. */
function target(p: Problem): { nodeId?: string; linkId?: string } {
  const doc = editorStore.getState().doc;
  if (p.path[0] === 'nodes' && typeof p.path[1] === 'number' && doc.nodes[p.path[1]])
    return { nodeId: doc.nodes[p.path[1]].id };
  if (p.path[0] === 'links' && typeof p.path[1] === 'number' && doc.links[p.path[1]])
    return { linkId: doc.links[p.path[1]].id };
  if (p.linkId) return { linkId: p.linkId };
  if (p.nodeId) return { nodeId: p.nodeId };
  return {};
}

function where(p: Problem): string {
  const doc = editorStore.getState().doc;
  const t = target(p);
  if (t.linkId) {
    const l = doc.links.find((x) => x.id === t.linkId);
    return l ? `link ${l.a.ifname}–${l.b.ifname}` : `link ${t.linkId}`;
  }
  if (t.nodeId) return doc.nodes.find((n) => n.id === t.nodeId)?.name ?? t.nodeId;
  return 'lab';
}

/** More than this many problems are counted, not listed (a broken big file must stay usable). */
const MAX_SHOWN = 300;

/** The Problems panel. */
export function ProblemsPanel() {
  const problems = useEditor((s) => s.problems);
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const go = (p: Problem) => {
    const t = target(p);
    const st = editorStore.getState();
    if (t.nodeId) st.setSelection({ nodes: [t.nodeId], links: [] });
    else if (t.linkId) st.setSelection({ nodes: [], links: [t.linkId] });
    else st.setSelection({ nodes: [], links: [] });
    centreOn(flow, st.doc, t);
  };
  return (
    <section className="np-problems" aria-labelledby="np-problems-title">
      <h2 id="np-problems-title" className="np-problems__title">
        Problems{' '}
        <span className="np-count">
          {problems.length
            ? `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
            : 'none'}
        </span>
      </h2>
      {problems.length === 0 ? (
        <p className="np-problems__empty">No problems: the drawing can be planned and applied.</p>
      ) : (
        <ul role="list" aria-label="Problems" className="np-problems__list">
          {problems.slice(0, MAX_SHOWN).map((p, i) => (
            <li key={`${i}-${p.code}`} role="listitem">
              <button type="button" className={`np-problem is-${p.severity}`} onClick={() => go(p)}>
                <span className="np-problem__sev">{p.severity}</span>
                <span className="np-problem__where">{where(p)}</span>
                <span className="np-problem__msg">{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {problems.length > MAX_SHOWN && (
        <p className="np-problems__empty">…and {problems.length - MAX_SHOWN} more (fix these first).</p>
      )}
    </section>
  );
}
