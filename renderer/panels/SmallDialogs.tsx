/** Destroy confirmation, "discard unsaved changes?" and Help (keyboard shortcuts). */
import { editorStore, useEditor } from '../store/editor';
import { runDestroy } from '../store/lab-actions';
import { useUi } from '../store/ui-store';
import { Dialog } from './Dialog';
import { counted, listInWords } from '../../shared/util/words';

const close = () => useUi.getState().set({ dialog: null });

/** Confirms and runs Destroy. */
export function DestroyDialog() {
  const lab = useEditor((s) => s.doc.name);
  const d = useUi((s) => s.destroy);
  const done = d.removed !== undefined;
  return (
    <Dialog
      title="Destroy lab"
      onClose={close}
      actions={
        done || d.error ? (
          <button type="button" className="np-btn" onClick={close}>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="np-btn" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="np-btn np-btn--danger"
              disabled={d.running}
              onClick={() => void runDestroy()}
            >
              Destroy lab
            </button>
          </>
        )
      }
    >
      {!done && !d.error && (
        <p>
          Remove every namespace, bridge and interface that lab <strong>{lab}</strong> created? Only objects
          carrying this lab's mark are touched. The drawing stays.
        </p>
      )}
      {d.running && <p role="status">Destroying…</p>}
      {d.error && (
        <p className="np-error" role="alert">
          Could not destroy: {d.error}
        </p>
      )}
      {done && (
        <p role="status">
          {d.removed!.length
            ? `Destroyed lab ${lab}: removed ${listInWords(d.removed!)}.`
            : `Lab ${lab} had nothing left to remove.`}
        </p>
      )}
    </Dialog>
  );
}

/** Asks before throwing away unsaved changes. */
export function DiscardDialog() {
  const onDiscard = useUi((s) => s.onDiscard);
  const fileName = useEditor((s) => s.fileName);
  return (
    <Dialog
      title="Unsaved changes"
      onClose={close}
      actions={
        <>
          <button type="button" className="np-btn" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="np-btn np-btn--danger"
            onClick={() => {
              close();
              onDiscard?.();
            }}
          >
            Discard changes
          </button>
        </>
      }
    >
      <p>{fileName ?? 'This drawing'} has changes that are not saved. Discard them?</p>
    </Dialog>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'Redo'],
  ['Ctrl+C / Ctrl+V', 'Copy / paste the selected nodes (names made unique)'],
  ['Ctrl+X', 'Cut'],
  ['Ctrl+D', 'Duplicate the selection'],
  ['Delete, Backspace', 'Delete the selection'],
  ['Ctrl+A', 'Select everything'],
  ['Shift+drag', 'Box select'],
  ['Shift+click', 'Add to the selection'],
  ['Ctrl+S', 'Save'],
  ['Ctrl+O', 'Open'],
  ['F', 'Fit the drawing in view'],
  ['Arrow keys', 'Move the selected nodes'],
  ['Escape', 'Clear the selection, close menus'],
  ['?', 'This help'],
];

/** Help: keyboard shortcuts and how to draw a lab. */
export function HelpDialog() {
  const mode = useUi((s) => s.info?.mode);
  return (
    <Dialog
      title="Help"
      onClose={close}
      actions={
        <button type="button" className="np-btn" onClick={close}>
          Close
        </button>
      }
    >
      <h3>Drawing a lab</h3>
      <ol>
        <li>
          Drag Namespace, Router, Bridge or Host from the palette onto the canvas (or press it to add one at
          the centre).
        </li>
        <li>
          Drag from one node's handle (the dot at its top or bottom) to another node to link them; interface
          names and addresses are filled in.
        </li>
        <li>Edit any field in the Inspector; problems show under the field and in Problems.</li>
        <li>
          Plan shows the exact commands; Apply runs them and rolls back on failure; Status compares with the
          kernel.
        </li>
      </ol>
      <h3>Keyboard shortcuts</h3>
      <table className="np-shortcuts" aria-label="Keyboard shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="np-field__hint">
        {mode === 'electron'
          ? 'Desktop app.'
          : 'Browser mode: Open reads a file you pick, Save downloads the file.'}{' '}
        {counted(editorStore.getState().doc.nodes.length, 'node')} in the drawing.
      </p>
    </Dialog>
  );
}
