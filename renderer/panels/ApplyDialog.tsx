/** Apply: progress per step, then the result; on failure the kernel's error in plain words and the rollback. */
import { runApply } from '../store/lab-actions';
import { useUi } from '../store/ui-store';
import { Dialog } from './Dialog';
import { showArgv } from './PlanDialog';
import type { Change } from '../../shared/plan/change';

/** What Apply would delete or change in the running lab, asked before anything runs. */
function ConfirmChanges({ lab, changes, total }: { lab: string; changes: Change[]; total: number }) {
  const del = changes.filter((c) => c.action === 'delete').length;
  const mod = changes.length - del;
  return (
    <div role="alert" className="np-apply-confirm">
      <p className="np-warn">
        Lab <strong>{lab}</strong> is running. Of the {total} change{total === 1 ? '' : 's'}, Apply would{' '}
        {[del ? `delete ${del} object${del === 1 ? '' : 's'}` : '', mod ? `change ${mod}` : '']
          .filter(Boolean)
          .join(' and ')}
        :
      </p>
      <ul className="np-apply-confirm__list" aria-label="Deletes and changes">
        {changes.slice(0, 50).map((c) => (
          <li key={c.step}>
            <strong>{c.action === 'delete' ? 'delete' : 'change'}</strong> {c.target.name} — {c.reason}
          </li>
        ))}
        {changes.length > 50 && <li>…and {changes.length - 50} more (see Plan)</li>}
      </ul>
    </div>
  );
}

/** The Apply dialog. */
export function ApplyDialog() {
  const a = useUi((s) => s.apply);
  const close = () => useUi.getState().set({ dialog: null });
  const p = a.progress;
  const r = a.result;
  const failed = r && !r.ok ? r.changes[r.failedStep ?? -1] : undefined;
  return (
    <Dialog
      title="Apply"
      wide
      onClose={close}
      actions={
        a.confirm ? (
          <>
            <button type="button" className="np-btn" onClick={close}>
              Cancel
            </button>
            <button
              type="button"
              className="np-btn np-btn--danger"
              onClick={() => void runApply({ confirmed: true })}
            >
              Apply and change lab {a.confirm.lab}
            </button>
          </>
        ) : (
          <button type="button" className="np-btn" onClick={close} disabled={a.running}>
            Close
          </button>
        )
      }
    >
      {a.confirm && (
        <ConfirmChanges lab={a.confirm.lab} changes={a.confirm.changes} total={a.confirm.total} />
      )}
      {a.checking && <p role="status">Checking what Apply would change…</p>}
      {a.running && !a.checking && (
        <div role="status" aria-live="polite">
          <p>
            {p
              ? `${p.phase === 'rollback' ? 'Rolling back' : 'Applying'}: step ${p.done} of ${p.total}${p.current ? ` — ${p.current}` : ''}`
              : 'Applying…'}
          </p>
          <progress max={p?.total || 1} value={p?.done ?? 0} aria-label="Apply progress" />
        </div>
      )}
      {a.error && (
        <p className="np-error" role="alert">
          Could not apply: {a.error}
        </p>
      )}
      {!a.running && !r && a.problems.length > 0 && (
        <div role="alert">
          <p className="np-error">The kernel side refused the drawing:</p>
          <ul>
            {a.problems.map((x, i) => (
              <li key={i}>{x.message}</li>
            ))}
          </ul>
        </div>
      )}
      {r?.ok && (
        <p className="np-ok" role="status">
          Applied:{' '}
          {r.steps === 0
            ? 'nothing to change, the kernel already matched'
            : `${r.steps} change${r.steps === 1 ? '' : 's'}`}{' '}
          in {(r.durationMs / 1000).toFixed(1)} s. Lab “{r.lab}” is up.
        </p>
      )}
      {r && !r.ok && (
        <div role="alert" className="np-apply-fail">
          <p className="np-error">
            Apply failed
            {r.failedStep !== undefined ? ` at step ${r.failedStep + 1} of ${r.changes.length}` : ''}:{' '}
            {r.error ?? 'the kernel refused a change'}
          </p>
          {failed && (
            <p>
              The command was <code>{showArgv(failed.argv)}</code> ({failed.reason}).
            </p>
          )}
          <p>
            {r.rolledBack
              ? 'Everything was rolled back: the kernel is as it was before Apply.'
              : 'The rollback did not finish: run Status to see what is left, or Destroy to remove the lab.'}
          </p>
        </div>
      )}
      {a.steps.length > 0 && (
        <ol className="np-steps" aria-label="Steps">
          {a.steps.map((s, i) => (
            <li key={i} className={`is-${s.phase}`}>
              {s.text}
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}
