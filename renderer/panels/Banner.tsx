/** Messages about the environment: the kernel side's notice, missing kernel features, the connection. */
import { useEffect, useState } from 'react';
import { connectionState, onConnectionState } from '../api';
import { useUi } from '../app/ui-store';

/** The banner under the toolbar (nothing when all is well). */
export function Banner() {
  const info = useUi((s) => s.info);
  const infoError = useUi((s) => s.infoError);
  const [conn, setConn] = useState(connectionState());
  useEffect(() => onConnectionState(setConn), []);
  const items: { text: string; kind: 'warn' | 'info' | 'error'; details?: string[] }[] = [];
  if (conn === 'reconnecting') items.push({ text: 'Lost the connection to netplumb; reconnecting…', kind: 'error' });
  if (infoError) items.push({ text: `The kernel side did not answer: ${infoError}`, kind: 'error' });
  if (info?.notice) items.push({ text: info.notice, kind: info.privilege === 'root' ? 'warn' : 'info' });
  if (info?.missing.length) {
    // Each entry reads "feature: why"; the banner names the features and keeps the reasons one click away.
    const names = info.missing.map((m) => m.split(':')[0].trim());
    items.push({ text: `This kernel lacks: ${names.join(', ')}. Drawings that use them can be saved but not applied here.`, kind: 'warn', details: info.missing });
  }
  if (!items.length) return null;
  return (
    <div className="np-banner" role="region" aria-label="Notices">
      {items.map((it, i) => (
        <div key={i} className={`np-banner__item is-${it.kind}`} role={it.kind === 'error' ? 'alert' : 'status'}>
          {it.text}
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
