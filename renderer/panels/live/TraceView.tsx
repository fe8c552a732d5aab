/**
 * Step mode: one ping captured on the interfaces of its path (lab:trace), shown
 * hop by hop with the kernel side's plain-words explanation; the node and
 * link of the current hop are highlighted on the canvas.
 */
import { useEffect, useState } from 'react';
import { getApi } from '../../api';
import { editorStore } from '../../store/editor';
import { SourcePicker, TargetPicker } from './NodePicker';
import { useAppliedLab, useLive } from './live-store';

/** Runs a trace from/to and shows its first hop. */
export async function runTrace(from: string, to: string): Promise<string | null> {
  const r = await getApi()['lab:trace']({ topology: editorStore.getState().doc, from, to, fresh: true });
  if (!r.ok) return r.error;
  const first = r.value.hops[0];
  useLive.getState().set({
    trace: r.value,
    traceStep: 0,
    highlight: first ? { nodeId: first.nodeId, linkId: first.linkId } : null,
  });
  return null;
}

/** Moves to hop `i` of the current trace. */
function goToHop(i: number): void {
  const { trace } = useLive.getState();
  const hop = trace?.hops[i];
  if (!hop) return;
  useLive.getState().set({ traceStep: i, highlight: { nodeId: hop.nodeId, linkId: hop.linkId } });
}

export function TraceView() {
  const lab = useAppliedLab();
  const { trace, traceStep, pickFrom, pickTo, set } = useLive();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A trace captures on the lab's interfaces for several seconds: show that it is still going.
  const [elapsed, setElapsed] = useState(0);
  // What the kernel side says it is doing (finding the path, starting captures N/M, pinging, collecting).
  const [phase, setPhase] = useState<string | null>(null);
  useEffect(() => {
    if (!busy) return;
    const started = Date.now();
    setElapsed(0);
    setPhase(null);
    const t = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 1000);
    const off = getApi().on('trace:progress', (p) => setPhase(p.message));
    return () => {
      clearInterval(t);
      off();
    };
  }, [busy]);
  // Leaving the tab or the lab clears the canvas highlight.
  useEffect(() => () => useLive.getState().set({ highlight: null }), []);
  const hop = trace?.hops[traceStep];
  const name = (id: string) => editorStore.getState().doc.nodes.find((n) => n.id === id)?.name ?? id;
  return (
    <div className="np-trace" role="group" aria-label="Step mode">
      <div className="np-live-row">
        <SourcePicker label="From" value={pickFrom} onChange={(v) => set({ pickFrom: v })} />
        <TargetPicker label="To" value={pickTo} onChange={(v) => set({ pickTo: v })} listId="np-trace-to" />
        <button
          type="button"
          className="np-btn np-btn--small"
          disabled={!lab || !pickFrom || !pickTo || busy}
          onClick={async () => {
            setBusy(true);
            setError(await runTrace(pickFrom, pickTo));
            setBusy(false);
          }}
        >
          {busy ? 'Tracing…' : 'Trace a ping'}
        </button>
        {!lab && <span className="np-muted">Apply the lab first.</span>}
        {busy && (
          <span className="np-muted" role="status" data-testid="trace-progress">
            {name(pickFrom)} → {pickTo}: {phase ?? 'finding the path'}… {elapsed} s
          </span>
        )}
      </div>
      {error && <p className="np-live-empty is-error">{error}</p>}
      {trace && (
        <>
          <div className="np-live-row">
            <button
              type="button"
              className="np-btn np-btn--small"
              disabled={traceStep <= 0}
              onClick={() => goToHop(traceStep - 1)}
            >
              Previous hop
            </button>
            <span data-testid="trace-position">
              Hop {trace.hops.length ? traceStep + 1 : 0} of {trace.hops.length}
            </span>
            <button
              type="button"
              className="np-btn np-btn--small"
              disabled={traceStep >= trace.hops.length - 1}
              onClick={() => goToHop(traceStep + 1)}
            >
              Next hop
            </button>
            <span className={trace.reached ? 'np-ok' : 'np-bad'}>
              {trace.reached ? `${name(trace.from)} reached ${trace.to}` : `${trace.to} was not reached`}
            </span>
          </div>
          {hop && (
            <div className="np-hop" data-testid="trace-hop">
              <p>
                <strong>{hop.kind}</strong> {hop.direction === 'in' ? 'arrives at' : 'leaves'}{' '}
                <strong>{name(hop.nodeId)}</strong> on <code>{hop.iface}</code>
                {hop.decidedBy ? <span className="np-muted"> — decided by the {hop.decidedBy}</span> : null}
              </p>
              <p>{hop.explanation}</p>
              <p className="np-mono np-muted">
                {hop.srcMac} → {hop.dstMac}: {hop.frame}
              </p>
            </div>
          )}
          <ol className="np-hops" aria-label="All hops">
            {trace.hops.map((h, i) => (
              <li key={i} className={i === traceStep ? 'is-current' : undefined}>
                <button type="button" className="np-link-btn" onClick={() => goToHop(i)}>
                  {h.kind} {h.direction === 'in' ? 'arrives at' : 'leaves'} {name(h.nodeId)} ({h.iface})
                </button>
              </li>
            ))}
          </ol>
          {trace.learned.length > 0 && <p className="np-muted">Learned: {trace.learned.join('; ')}</p>}
          {trace.notes.map((n, i) => (
            <p key={i} className="np-muted">
              {n}
            </p>
          ))}
        </>
      )}
    </div>
  );
}
