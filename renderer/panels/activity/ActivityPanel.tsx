/**
 * The activity side: the panel for the current mode, the Activities… dialog,
 * the print-only worksheet, and the toolbar group. Mounting it installs the
 * lock guard on the editor (student mode).
 */
import { useEffect } from 'react';
import { editorStore } from '../../store/editor';
import { toast } from '../../store/ui-store';
import { ActivitiesDialog } from './ActivitiesDialog';
import { AuthorPanel } from './AuthorPanel';
import { StudentPanel } from './StudentPanel';
import { Worksheet } from './Worksheet';
import { newActivity } from './activity-actions';
import { installActivityGuard, useActivity } from './activity-store';
import { useRefitOn } from '../live/use-refit';
import './activity.css';

/** The side panel (student or author), the dialog and the worksheet. */
export function ActivityPanel() {
  const mode = useActivity((s) => s.mode);
  const dialog = useActivity((s) => s.dialog);
  useEffect(() => installActivityGuard(editorStore, (t) => toast(t, 'error')), []);
  // The panel takes room from the canvas: fit the drawing again when it opens, closes or changes.
  useRefitOn(mode);
  return (
    <>
      {mode === 'student' && <StudentPanel />}
      {mode === 'author' && <AuthorPanel />}
      {dialog && <ActivitiesDialog onClose={() => useActivity.getState().set({ dialog: false })} />}
      <Worksheet />
    </>
  );
}

/** Toolbar buttons: Activities… and New activity from this lab. */
export function ActivityButtons() {
  const mode = useActivity((s) => s.mode);
  return (
    <div className="np-toolbar__group" role="group" aria-label="Activity">
      <button
        type="button"
        className="np-btn"
        onClick={() => useActivity.getState().set({ dialog: true })}
        title="Open one of the shipped graded activities"
      >
        Activities…
      </button>
      {mode === 'off' && (
        <button
          type="button"
          className="np-btn"
          onClick={newActivity}
          title="Turn this drawing into a graded activity: steps, locks and checks"
        >
          New activity from this lab
        </button>
      )}
    </div>
  );
}
