/**
 * Messages about the environment: the kernel side's notice, missing kernel
 * features, the connection; and the start-up offers: restore a drawing that
 * autosave kept, reattach to labs running on this host.
 */
import { useEffect, useState } from 'react';
import { connectionState, onConnectionState } from '../api';
import { dismissOffered, restoreOffered, useRecovery } from '../store/autosave';
import { useEditor } from '../store/editor';
import { refreshStatus } from '../store/lab-actions';
import { otherLabsText, otherRunningLabs, useLabs } from '../store/labs-store';
import { kernelLabName, usePrefix } from '../store/prefix-store';
import { useUi } from '../store/ui-store';

type Item = {
  text: string;
  kind: 'warn' | 'info' | 'error';
  details?: string[];
  actions?: { label: string; run: () => void }[];
};

/** The start-up offers (pure data from the stores). */
function useOffers(): Item[] {
  const offer = useRecovery((s) => s.offer);
  const labs = useLabs((s) => s.labs);
  const dismissed = useLabs((s) => s.offerDismissed);
  const current = useEditor((s) => s.doc.name);
  const prefix = usePrefix((s) => s.prefix);
  const items: Item[] = [];
  if (offer) {
    const running = labs?.some((l) => l.name === kernelLabName(offer.lab, prefix) && l.state !== 'unknown');
    items.push({
      kind: 'info',
      text: `An unsaved drawing was kept: ${offer.fileName ?? `lab ${offer.lab}`}, ${offer.nodes} node${offer.nodes === 1 ? '' : 's'}, from ${new Date(offer.savedAt).toLocaleString()}${running ? ` (lab ${offer.lab} is running on this host)` : ''}.`,
      actions: [
        {
          label: 'Restore drawing',
          run: () => {
            const r = restoreOffered();
            // Back to the running lab: the overlay shows what the kernel says about it.
            if (r && running) void refreshStatus(true);
          },
        },
        { label: 'Discard it', run: dismissOffered },
      ],
    });
  }
  const others = otherRunningLabs(labs, kernelLabName(current, prefix));
  if (!dismissed && others.length && !offer) {
    items.push({
      kind: 'info',
      text: otherLabsText(others),
      actions: [
        { label: 'Show labs…', run: () => useUi.getState().set({ dialog: 'labs' }) },
        { label: 'Dismiss', run: () => useLabs.getState().set({ offerDismissed: true }) },
      ],
    });
  }
  return items;
}

/** The banner under the toolbar (nothing when all is well). */
export function Banner() {
  const info = useUi((s) => s.info);
  const infoError = useUi((s) => s.infoError);
  const [conn, setConn] = useState(connectionState());
  useEffect(() => onConnectionState(setConn), []);
  const offers = useOffers();
  const items: Item[] = [];
  if (conn === 'reconnecting')
    items.push({ text: 'Lost the connection to netplumb; reconnecting…', kind: 'error' });
  if (infoError) items.push({ text: `The kernel side did not answer: ${infoError}`, kind: 'error' });
  if (info?.notice) items.push({ text: info.notice, kind: info.privilege === 'root' ? 'warn' : 'info' });
  if (info?.missing.length) {
    // Each entry reads "feature: why"; the banner names the features and keeps the reasons one click away.
    const names = info.missing.map((m) => m.split(':')[0].trim());
    items.push({
      text: `This kernel lacks: ${names.join(', ')}. Drawings that use them can be saved but not applied here.`,
      kind: 'warn',
      details: info.missing,
    });
  }
  items.push(...offers);
  if (!items.length) return null;
  return (
    <div className="np-banner" role="region" aria-label="Notices">
      {items.map((it, i) => (
        <div
          key={i}
          className={`np-banner__item is-${it.kind}`}
          role={it.kind === 'error' ? 'alert' : 'status'}
        >
          {it.text}
          {it.actions?.map((a) => (
            <button key={a.label} type="button" className="np-btn np-btn--small" onClick={a.run}>
              {a.label}
            </button>
          ))}
          {it.details && (
            <details className="np-banner__details">
              <summary>Details</summary>
              <ul>
                {it.details.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      ))}
    </div>
  );
}
