/** New from example: the bundled example labs, listed by the kernel side (examples:list). */
import { useEffect, useState } from 'react';
import { getApi } from '../api';
import { openExample } from '../store/file-actions';
import { useUi } from '../store/ui-store';
import type { Response } from '../../shared/ipc/contract';
import { Dialog } from './Dialog';

type Example = Response<'examples:list'>['examples'][number];

/** The examples dialog. */
export function ExamplesDialog() {
  const [list, setList] = useState<Example[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = () => useUi.getState().set({ dialog: null });
  useEffect(() => {
    let alive = true;
    void getApi()
      ['examples:list']({})
      .then((r) => {
        if (!alive) return;
        if (r.ok) setList(r.value.examples);
        else setError(r.error);
      });
    return () => {
      alive = false;
    };
  }, []);
  return (
    <Dialog
      title="New from example"
      onClose={close}
      actions={
        <button type="button" className="np-btn" onClick={close}>
          Close
        </button>
      }
    >
      {!list && !error && <p role="status">Loading the examples…</p>}
      {error && (
        <p className="np-error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p>No examples are installed.</p>}
      {list && list.length > 0 && (
        <ul className="np-examples" aria-label="Examples">
          {list.map((ex) => (
            <li key={ex.id}>
              <button
                type="button"
                className="np-btn"
                onClick={() => {
                  close();
                  openExample(ex.id);
                }}
              >
                {ex.title}
              </button>
              {ex.description && <span className="np-field__hint"> {ex.description}</span>}
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
