/** Insert a star, line, ring or tree of N namespaces around bridges or routers. */
import { useId, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { editorStore } from '../store/editor';
import { useUi } from '../store/ui-store';
import { viewCentre } from '../canvas/view-helpers';
import { GENERATOR_MAX, type GeneratorShape, type HubKind } from '../../shared/edit/generators';
import type { FlowEdge, FlowNode } from '../store/derive';
import { Dialog } from './Dialog';

/** The Generate dialog. */
export function GeneratorDialog() {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const [shape, setShape] = useState<GeneratorShape>('star');
  const [hub, setHub] = useState<HubKind>('bridge');
  const [count, setCount] = useState(4);
  const ids = { shape: useId(), hub: useId(), count: useId() };
  const close = () => useUi.getState().set({ dialog: null });
  const valid = Number.isInteger(count) && count >= 1 && count <= GENERATOR_MAX;
  const insert = () => {
    if (!valid) return;
    // Beside what is already drawn, never on top of it.
    const nodes = editorStore.getState().doc.nodes.filter((n) => n.position);
    const origin = nodes.length
      ? {
          x:
            Math.max(...nodes.map((n) => n.position!.x)) +
            420 +
            (shape === 'ring' || shape === 'star' ? Math.max(220, count * 30) : 0),
          y: nodes.reduce((a, n) => a + n.position!.y, 0) / nodes.length,
        }
      : viewCentre(flow);
    editorStore.getState().generate({ shape, hub, count }, origin);
    close();
    setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.2, duration: 200 }), 50);
  };
  return (
    <Dialog
      title="Generate a shape"
      onClose={close}
      actions={
        <>
          <button type="button" className="np-btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="np-btn np-btn--primary" disabled={!valid} onClick={insert}>
            Insert
          </button>
        </>
      }
    >
      <div className="np-field">
        <label htmlFor={ids.shape}>Shape</label>
        <select id={ids.shape} value={shape} onChange={(e) => setShape(e.target.value as GeneratorShape)}>
          <option value="star">Star: one hub, all namespaces on it</option>
          <option value="line">Line: a chain of hubs, one namespace each</option>
          <option value="ring">Ring: a closed chain of hubs</option>
          <option value="tree">Tree: a binary tree of hubs, two namespaces each</option>
        </select>
      </div>
      <div className="np-field">
        <label htmlFor={ids.hub}>Around</label>
        <select id={ids.hub} value={hub} onChange={(e) => setHub(e.target.value as HubKind)}>
          <option value="bridge">Bridges (one subnet)</option>
          <option value="router">Routers (a subnet per link, routes filled in)</option>
        </select>
      </div>
      <div className="np-field">
        <label htmlFor={ids.count}>Number of namespaces</label>
        <input
          id={ids.count}
          type="number"
          min={1}
          max={GENERATOR_MAX}
          value={Number.isNaN(count) ? '' : count}
          onChange={(e) => setCount(e.target.valueAsNumber)}
        />
        {!valid && <div className="np-field__problem is-error">Choose between 1 and {GENERATOR_MAX}.</div>}
      </div>
    </Dialog>
  );
}
