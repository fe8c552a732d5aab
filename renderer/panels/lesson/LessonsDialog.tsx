/** File > New from lesson: the lessons the kernel side ships (lessons:list), opened like Open. */
import { useEffect, useState } from 'react';
import { getApi } from '../../api';
import { editorStore } from '../../store/editor';
import { confirmDiscard, openText } from '../../store/file-actions';
import { toast } from '../../store/ui-store';
import type { Response } from '../../../shared/ipc/contract';
import { Dialog } from '../Dialog';
import { useLive } from '../live/live-store';

type Lesson = Response<'lessons:list'>['lessons'][number];

/**
 * Loads a lesson's file into the editor and shows its first step. With
 * `build`, the drawing starts empty (same lesson text, lab name and checks):
 * the student drags the lab together, and the checks say when it works
 * (dragged nodes get the names the checks use: ns1, ns2, br0, r1…).
 */
function openLesson(id: string, build = false): void {
  confirmDiscard(async () => {
    const r = await getApi()['lessons:get']({ id });
    if (!r.ok) return toast(`Could not open the lesson: ${r.error}`, 'error');
    if (!openText(r.value.text, r.value.fileName)) return;
    if (build) {
      const doc = editorStore.getState().doc;
      editorStore.getState().loadTopology({ ...doc, nodes: [], links: [], annotations: [] }, null);
      toast('Build the lab by dragging from the palette; Run checks tells you when it works');
    }
    useLive.getState().set({ lessonStep: 0, checks: null, trace: null, highlight: null });
  });
}

/** The lessons dialog. */
export function LessonsDialog({ onClose }: { onClose: () => void }) {
  const [list, setList] = useState<Lesson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void getApi()
      ['lessons:list']({})
      .then((r) => {
        if (!alive) return;
        if (r.ok) setList(r.value.lessons);
        else setError(r.error);
      });
    return () => {
      alive = false;
    };
  }, []);
  return (
    <Dialog
      title="New from lesson"
      onClose={onClose}
      actions={
        <button type="button" className="np-btn" onClick={onClose}>
          Close
        </button>
      }
    >
      {!list && !error && <p role="status">Loading the lessons…</p>}
      {error && (
        <p className="np-error" role="alert">
          {error}
        </p>
      )}
      {list && list.length === 0 && <p>No lessons are installed.</p>}
      {list && list.length > 0 && (
        <ul className="np-examples" aria-label="Lessons">
          {list.map((l) => (
            <li key={l.id}>
              <button
                type="button"
                className="np-btn"
                onClick={() => {
                  onClose();
                  openLesson(l.id);
                }}
              >
                {l.title}
              </button>{' '}
              <button
                type="button"
                className="np-btn np-btn--small"
                aria-label={`Build it yourself: ${l.title}`}
                title="Start from an empty drawing with this lesson's text and checks"
                onClick={() => {
                  onClose();
                  openLesson(l.id, true);
                }}
              >
                Build it yourself
              </button>
              <span className="np-field__hint">
                {' '}
                {l.steps} step{l.steps === 1 ? '' : 's'}
                {l.description ? ` — ${l.description}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
