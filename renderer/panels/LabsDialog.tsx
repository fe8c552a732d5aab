/**
 * "Labs on this host" (toolbar Labs…, File > Open Running Lab): every lab
 * with its state, opened as a drawing from its record, or destroyed (after
 * a second, explicit press naming the lab).
 */
import { useEffect, useState } from 'react';
import { useEditor } from '../store/editor';
import { destroyNamedLab, openRunningLab } from '../store/labs';
import { kernelLabName, usePrefix } from '../store/prefix-store';
import { refreshLabs, useLabs, type LabInfo } from '../store/labs-store';
import { useUi } from '../store/ui-store';
import { Dialog } from './Dialog';

const STATE_TEXT: Record<LabInfo['state'], string> = {
  applied: 'running',
  partial: 'partly there (an apply was interrupted, or namespaces were removed by hand)',
  'rolling-back': 'rolling back',
  unknown: 'unknown',
};

function LabRow({ lab, current }: { lab: LabInfo; current: boolean }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const shown =
    lab.namespaces.slice(0, 4).join(', ') +
    (lab.namespaces.length > 4 ? ` +${lab.namespaces.length - 4}` : '');
  return (
    <tr data-testid={`lab-row-${lab.name}`}>
      <th scope="row">
        {lab.name}
        {current && <span className="np-field__hint"> (this drawing)</span>}
      </th>
      <td className={lab.state === 'applied' ? 'np-ok' : 'np-warn'}>{STATE_TEXT[lab.state]}</td>
      <td title={lab.namespaces.join(', ')}>
        {lab.namespaces.length ? `${lab.namespaces.length}: ${shown}` : '—'}
      </td>
      <td>{lab.appliedAt ? new Date(lab.appliedAt).toLocaleString() : '—'}</td>
      <td>{lab.owner ? (lab.yours === true ? `${lab.owner} (you)` : lab.owner) : '—'}</td>
      <td className="np-labs__actions">
        {lab.yours === false ? (
          <>
            <button
              type="button"
              className="np-btn np-btn--small"
              aria-label={`Open lab ${lab.name}`}
              onClick={() => openRunningLab(lab.name)}
            >
              Open
            </button>
            <span className="np-field__hint">another user&apos;s lab: look, don&apos;t touch</span>
          </>
        ) : !confirm ? (
          <>
            <button
              type="button"
              className="np-btn np-btn--small"
              aria-label={`Open lab ${lab.name}`}
              onClick={() => openRunningLab(lab.name)}
            >
              Open
            </button>
            <button
              type="button"
              className="np-btn np-btn--small np-btn--danger"
              aria-label={`Destroy lab ${lab.name}…`}
              onClick={() => setConfirm(true)}
            >
              Destroy…
            </button>
          </>
        ) : (
          <>
            <span>Remove everything lab {lab.name} made?</span>{' '}
            <button
              type="button"
              className="np-btn np-btn--small np-btn--danger"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                await destroyNamedLab(lab.name);
                setBusy(false);
                setConfirm(false);
              }}
            >
              {busy ? 'Destroying…' : `Destroy lab ${lab.name}`}
            </button>
            <button
              type="button"
              className="np-btn np-btn--small"
              disabled={busy}
              onClick={() => setConfirm(false)}
            >
              Keep it
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** The dialog. */
export function LabsDialog() {
  const labs = useLabs((s) => s.labs);
  const loading = useLabs((s) => s.loading);
  const error = useLabs((s) => s.error);
  // The list shows kernel names: this drawing's lab carries the user's prefix there.
  const prefix = usePrefix((s) => s.prefix);
  const current = kernelLabName(
    useEditor((s) => s.doc.name),
    prefix,
  );
  const close = () => useUi.getState().set({ dialog: null });
  useEffect(() => {
    void refreshLabs();
  }, []);
  return (
    <Dialog
      title="Labs on this host"
      wide
      onClose={close}
      actions={
        <>
          <button type="button" className="np-btn" disabled={loading} onClick={() => void refreshLabs()}>
            Refresh
          </button>
          <button type="button" className="np-btn" onClick={close}>
            Close
          </button>
        </>
      }
    >
      {error && (
        <p className="np-error" role="alert">
          Could not list the labs: {error}
        </p>
      )}
      {!labs && !error && <p role="status">Reading the labs on this host…</p>}
      {labs && labs.length === 0 && <p role="status">No netplumb lab is running on this host.</p>}
      {labs && labs.length > 0 && (
        <table className="np-labs" aria-label="Labs on this host">
          <thead>
            <tr>
              <th scope="col">Lab</th>
              <th scope="col">State</th>
              <th scope="col">Namespaces</th>
              <th scope="col">Applied</th>
              <th scope="col">Owner</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {labs.map((l) => (
              <LabRow key={l.name} lab={l} current={l.name === current} />
            ))}
          </tbody>
        </table>
      )}
      <p className="np-field__hint">
        Open shows the drawing the lab was last applied from. Destroy removes only objects carrying the
        lab&apos;s mark. Only a lab&apos;s owner (or root) may change, destroy or work inside it.
      </p>
    </Dialog>
  );
}
