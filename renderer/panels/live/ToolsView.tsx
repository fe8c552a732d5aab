/** The Ping tab: ping or traceroute between two nodes of the applied lab, results inline. */
import { useState } from 'react';
import { getApi } from '../../api';
import type { Response } from '../../../shared/ipc/contract';
import { SourcePicker, TargetPicker } from './NodePicker';
import { useAppliedLab, useLive } from './live-store';

type Out =
  | { kind: 'ping'; r: Response<'lab:ping'> }
  | { kind: 'traceroute'; r: Response<'lab:traceroute'> }
  | { kind: 'error'; text: string };

/** Source/target chosen on the canvas ("Ping from here" in a node's menu) land here. */
export function ToolsView() {
  const lab = useAppliedLab();
  const from = useLive((s) => s.pickFrom);
  const to = useLive((s) => s.pickTo);
  const set = useLive((s) => s.set);
  const [busy, setBusy] = useState(false);
  const [out, setOut] = useState<Out | null>(null);
  const go = async (kind: 'ping' | 'traceroute') => {
    if (!lab || !from || !to) return;
    setBusy(true);
    const r =
      kind === 'ping'
        ? await getApi()['lab:ping']({ lab, from, to, count: 3 })
        : await getApi()['lab:traceroute']({ lab, from, to });
    setBusy(false);
    if (!r.ok) return setOut({ kind: 'error', text: r.error });
    setOut(
      kind === 'ping'
        ? { kind, r: r.value as Response<'lab:ping'> }
        : { kind, r: r.value as Response<'lab:traceroute'> },
    );
  };
  return (
    <div className="np-tools" role="group" aria-label="Ping and traceroute">
      <div className="np-live-row">
        <SourcePicker label="From" value={from} onChange={(v) => set({ pickFrom: v })} />
        <TargetPicker label="To" value={to} onChange={(v) => set({ pickTo: v })} listId="np-ping-to" />
        <button
          type="button"
          className="np-btn np-btn--small"
          disabled={!lab || !from || !to || busy}
          onClick={() => void go('ping')}
        >
          Ping
        </button>
        <button
          type="button"
          className="np-btn np-btn--small"
          disabled={!lab || !from || !to || busy}
          onClick={() => void go('traceroute')}
        >
          Traceroute
        </button>
        {!lab && <span className="np-muted">Apply the lab first.</span>}
        {busy && <span className="np-muted">Running…</span>}
      </div>
      {out?.kind === 'error' && <p className="np-live-empty is-error">{out.text}</p>}
      {out?.kind === 'ping' && (
        <div data-testid="ping-result">
          <p className={out.r.reached ? 'np-ok' : 'np-bad'}>{out.r.summary}</p>
          <pre className="np-pre">{out.r.output}</pre>
        </div>
      )}
      {out?.kind === 'traceroute' && (
        <div data-testid="traceroute-result">
          <p className={out.r.reached ? 'np-ok' : 'np-bad'}>
            {out.r.reached ? 'Reached' : 'Not reached'} ({out.r.method})
          </p>
          <ol className="np-hops">
            {out.r.hops.map((h) => (
              <li key={h.ttl}>
                TTL {h.ttl}: {h.address ?? '*'}{' '}
                {h.nodeId ? <span className="np-muted">({h.nodeId})</span> : null}{' '}
                {h.rttMs !== undefined ? `${h.rttMs.toFixed(2)} ms` : ''}{' '}
                <span className="np-muted">{h.kind}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
