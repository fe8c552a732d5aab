/** The plan: every change Apply would make, with its exact command and reason, grouped by namespace. */
import { useUi } from '../store/ui-store';
import { runApply } from '../store/lab-actions';
import type { Change } from '../../shared/plan/change';
import { Dialog } from './Dialog';

function groupByNs(changes: Change[]): [string, Change[]][] {
  const m = new Map<string, Change[]>();
  for (const c of changes) {
    const list = m.get(c.ns);
    if (list) list.push(c);
    else m.set(c.ns, [c]);
  }
  return [...m.entries()];
}

/** Quotes an argv for display (the kernel side runs argv arrays, never a shell). */
export function showArgv(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The Plan dialog. */
export function PlanDialog() {
  const plan = useUi((s) => s.plan);
  const close = () => useUi.getState().set({ dialog: null });
  const groups = groupByNs(plan.changes);
  const counts = { create: 0, modify: 0, delete: 0 };
  for (const c of plan.changes) counts[c.action]++;
  return (
    <Dialog
      title="Plan"
      wide
      onClose={close}
      actions={
        <>
          <button type="button" className="np-btn" onClick={close}>
            Close
          </button>
          <button
            type="button"
            className="np-btn np-btn--primary"
            disabled={
              plan.loading ||
              !!plan.error ||
              plan.changes.length === 0 ||
              plan.problems.some((p) => p.severity === 'error')
            }
            onClick={() => void runApply({ confirmed: true })}
          >
            Apply these changes
          </button>
        </>
      }
    >
      {plan.loading && <p role="status">Planning…</p>}
      {plan.error && (
        <p className="np-error" role="alert">
          {plan.error}
        </p>
      )}
      {plan.problems.length > 0 && (
        <ul className="np-plan__problems" aria-label="Problems found by the kernel side">
          {plan.problems.map((p, i) => (
            <li key={i} className={`is-${p.severity}`}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {!plan.loading && !plan.error && plan.changes.length === 0 && plan.problems.length === 0 && (
        <p role="status">Nothing to do: the kernel already matches the drawing.</p>
      )}
      {plan.changes.length > 0 && (
        <>
          <p role="status">
            {plan.changes.length} change{plan.changes.length === 1 ? '' : 's'}: {counts.create} to create,{' '}
            {counts.modify} to modify, {counts.delete} to delete.
          </p>
          <div className="np-plan" role="tree" aria-label="Changes by namespace">
            {groups.map(([ns, list]) => (
              <details key={ns} open role="treeitem" aria-expanded="true" className="np-plan__ns">
                <summary>
                  {ns === '' ? 'root namespace' : `namespace ${ns}`}{' '}
                  <span className="np-count">({list.length})</span>
                </summary>
                <ol role="group">
                  {list.map((c) => (
                    <li key={c.step} role="treeitem" className={`np-change np-change--${c.action}`}>
                      <div className="np-change__head">
                        <span className="np-change__step">{c.step + 1}</span>
                        <span className="np-change__action">{c.action}</span>
                        <span className="np-change__target">{c.target.name}</span>
                      </div>
                      <code className="np-change__argv">{showArgv(c.argv)}</code>
                      <div className="np-change__reason">{c.reason}</div>
                    </li>
                  ))}
                </ol>
              </details>
            ))}
          </div>
        </>
      )}
    </Dialog>
  );
}
