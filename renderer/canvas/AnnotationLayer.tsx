/**
 * Canvas annotations (the document's `annotations`): text notes and group
 * boxes drawn in flow coordinates. Drag a note or a group's title to move it,
 * a group's corner to resize it, double-click to edit the text; every change
 * is one undoable document edit (saved in the file and in exports).
 */
import { memo, useCallback, useRef, useState } from 'react';
import { ViewportPortal, useStore as useFlowStore } from '@xyflow/react';
import type { Annotation } from '../../shared/model';
import { editorStore, useEditor } from '../store/editor';
import './annotations.css';

const MIN_W = 80;
const MIN_H = 40;

function setAnnotation(id: string, patch: Partial<Annotation>, key?: string) {
  const list = editorStore.getState().doc.annotations;
  editorStore
    .getState()
    .updateLab(
      { annotations: list.map((a) => (a.id === id ? { ...a, ...patch } : a)) },
      key && `ann:${id}:${key}`,
    );
}

/** Adds a note or a group at a flow position and returns its id. */
export function addAnnotation(kind: Annotation['kind'], position: { x: number; y: number }): string {
  const list = editorStore.getState().doc.annotations;
  const taken = new Set(list.map((a) => a.id));
  let n = list.filter((a) => a.kind === kind).length + 1;
  while (taken.has(`${kind}${n}`)) n++;
  const id = `${kind}${n}`;
  const a: Annotation =
    kind === 'group'
      ? { id, kind, text: 'Group', position, width: 320, height: 200 }
      : { id, kind, text: 'Note', position };
  editorStore.getState().updateLab({ annotations: [...list, a] });
  return id;
}

/** Removes an annotation. */
function removeAnnotation(id: string): void {
  editorStore
    .getState()
    .updateLab({ annotations: editorStore.getState().doc.annotations.filter((a) => a.id !== id) });
}

/** Pointer drag in flow units; `apply` gets the total delta since the press. */
function useDrag(apply: (dx: number, dy: number) => void) {
  const zoom = useFlowStore((s) => s.transform[2]);
  return useCallback(
    (e: React.PointerEvent) => {
      if (e.button !== 0) return;
      e.stopPropagation();
      e.preventDefault();
      const x0 = e.clientX;
      const y0 = e.clientY;
      const move = (ev: PointerEvent) => apply((ev.clientX - x0) / zoom, (ev.clientY - y0) / zoom);
      const up = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        editorStore.getState().endEdit();
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    },
    [apply, zoom],
  );
}

const snap = (v: number) => Math.round(v / 8) * 8;

/**
 * A ref that starts editing on double-click. Native, and stopped there: the
 * pane's zoom listens natively and would otherwise zoom in on the same click.
 */
function useDblClickRef(onDbl: () => void) {
  return useCallback(
    (el: HTMLElement | null) => {
      el?.addEventListener('dblclick', (e) => {
        e.stopPropagation();
        onDbl();
      });
    },
    [onDbl],
  );
}

const AnnotationView = memo(function AnnotationView({ a }: { a: Annotation }) {
  const [editing, setEditing] = useState(false);
  const dblRef = useDblClickRef(useCallback(() => setEditing(true), []));
  const origin = useRef(a);
  const onMove = useDrag(
    useCallback(
      (dx: number, dy: number) =>
        setAnnotation(
          a.id,
          { position: { x: snap(origin.current.position.x + dx), y: snap(origin.current.position.y + dy) } },
          'move',
        ),
      [a.id],
    ),
  );
  const onResize = useDrag(
    useCallback(
      (dx: number, dy: number) =>
        setAnnotation(
          a.id,
          {
            width: Math.max(MIN_W, snap((origin.current.width ?? 320) + dx)),
            height: Math.max(MIN_H, snap((origin.current.height ?? 200) + dy)),
          },
          'size',
        ),
      [a.id],
    ),
  );
  const press = (fn: (e: React.PointerEvent) => void) => (e: React.PointerEvent) => {
    origin.current = a;
    fn(e);
  };
  const text = editing ? (
    <textarea
      className="np-ann__edit"
      aria-label={a.kind === 'group' ? 'Group title' : 'Note text'}
      autoFocus
      defaultValue={a.text}
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey)))
          (e.target as HTMLTextAreaElement).blur();
      }}
      onChange={(e) => setAnnotation(a.id, { text: e.target.value }, 'text')}
      onBlur={() => {
        setEditing(false);
        editorStore.getState().endEdit();
      }}
    />
  ) : null;
  const remove = (
    <button
      type="button"
      className="np-ann__remove"
      aria-label={`Remove ${a.kind === 'group' ? 'group' : 'note'} ${a.text || a.id}`}
      onPointerDown={(e) => e.stopPropagation()}
      onClick={() => removeAnnotation(a.id)}
    >
      ✕
    </button>
  );
  if (a.kind === 'group') {
    return (
      <div
        className="np-ann np-ann--group"
        data-testid={`annotation-${a.id}`}
        style={{
          transform: `translate(${a.position.x}px, ${a.position.y}px)`,
          width: a.width ?? 320,
          height: a.height ?? 200,
        }}
      >
        <div
          ref={dblRef}
          className="np-ann__title nodrag nopan"
          onPointerDown={press(onMove)}
          title="Drag to move, double-click to rename"
        >
          {text ?? (a.text || 'Group')}
          {!editing && remove}
        </div>
        <div className="np-ann__resize nodrag nopan" onPointerDown={press(onResize)} aria-hidden="true" />
      </div>
    );
  }
  return (
    <div
      ref={dblRef}
      className="np-ann np-ann--text nodrag nopan"
      data-testid={`annotation-${a.id}`}
      style={{ transform: `translate(${a.position.x}px, ${a.position.y}px)` }}
      onPointerDown={editing ? undefined : press(onMove)}
      title="Drag to move, double-click to edit"
    >
      {text ?? <span className="np-ann__text">{a.text || 'Note'}</span>}
      {!editing && remove}
    </div>
  );
});

/** All annotations of the document, in the canvas' viewport. */
export function AnnotationLayer() {
  const list = useEditor((s) => s.doc.annotations);
  if (!list.length) return null;
  return (
    <ViewportPortal>
      {list.map((a) => (
        <AnnotationView key={a.id} a={a} />
      ))}
    </ViewportPortal>
  );
}
