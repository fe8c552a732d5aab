/** Activities…: the activities the kernel side ships (students' files only), opened in student mode. */
import { useEffect, useState } from 'react';
import { getApi } from '../../api';
import type { Response } from '../../../shared/ipc/contract';
import { Dialog } from '../Dialog';
import { openActivity } from './activity-actions';

type Item = Response<'activities:list'>['activities'][number];

export function ActivitiesDialog({ onClose }: { onClose: () => void }) {
  const [list, setList] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void getApi()
      ['activities:list']({})
      .then((r) => {
        if (!alive) return;
        if (r.ok) setList(r.value.activities);
        else setError(r.error);
      });
    return () => {
      alive = false;
    };
  }, []);
  return (
    <Dialog
      title="Activities"
      onClose={onClose}
      actions={
        <button type="button" className="np-btn" onClick={onClose}>
          Close
        </button>
      }
    >
      {!list && !error && <p role="status">Loading the activities…</p>}
      {error && (
        <p className="np-error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p>No activities are installed.</p>}
      {list && list.length > 0 && (
        <ul className="np-examples" aria-label="Activities">
          {list.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                className="np-btn"
                onClick={() => {
                  onClose();
                  openActivity(a.id);
                }}
              >
                {a.title}
              </button>
              <span className="np-field__hint">
                {' '}
                {a.steps} step{a.steps === 1 ? '' : 's'}, {a.checks} check{a.checks === 1 ? '' : 's'},{' '}
                {a.points} point{a.points === 1 ? '' : 's'}
                {a.description ? ` — ${a.description}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
