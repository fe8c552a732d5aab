/**
 * The palette: drag a kind onto the canvas, or press it to add one at the
 * centre of the view (keyboard users). Also the generators.
 */
import { useReactFlow } from '@xyflow/react';
import { NODE_KINDS_REGISTRY, nodeKindList } from '../../shared/kinds';
import type { NodeKind } from '../../shared/model';
import { editorStore } from '../store/editor';
import { useUi } from '../store/ui-store';
import { KindIcon, KIND_LABEL } from '../canvas/icons';
import { DND_KIND, freeSpotNear, viewCentre } from '../canvas/view-helpers';
import type { FlowEdge, FlowNode } from '../store/derive';
import { ViewButtons } from './ViewButtons';

/** The palette panel. */
export function Palette() {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const add = (kind: NodeKind) => {
    const st = editorStore.getState();
    const p = freeSpotNear(st.doc, viewCentre(flow), kind);
    st.addNode(kind, p);
  };
  return (
    <nav className="np-palette" aria-label="Palette">
      <div className="np-palette__title">Add</div>
      {nodeKindList.map((k) => (
        <button
          key={k}
          type="button"
          className={`np-palette__item np-kind--${k}`}
          draggable
          title={`${KIND_LABEL[k]}: ${NODE_KINDS_REGISTRY[k].help}. Drag onto the canvas, or press to add at the centre.`}
          onDragStart={(e) => {
            e.dataTransfer.setData(DND_KIND, k);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => add(k)}
        >
          <KindIcon kind={k} />
          <span>{KIND_LABEL[k]}</span>
        </button>
      ))}
      <div className="np-palette__title">Shapes</div>
      <button
        type="button"
        className="np-palette__item"
        onClick={() => useUi.getState().set({ dialog: 'generate' })}
      >
        <span>Generate…</span>
      </button>
      <ViewButtons />
    </nav>
  );
}
