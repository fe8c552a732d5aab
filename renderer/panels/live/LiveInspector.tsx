/**
 * Live sections of the Inspector: for a node, terminal/tables/ping; for a
 * link, down/up, netem sliders (applied live and kept in the file) and
 * packet capture.
 */
import { CaptureFiles } from './CaptureFiles';
import { useEffect, useState } from 'react';
import { isNetnsNode, type Netem } from '../../../shared/model';
import { useShallow } from 'zustand/react/shallow';
import { useEditor } from '../../store/editor';
import { showTab, useAppliedLab, useLive } from './live-store';
import { openTerminal } from './terminals';
import { setLinkState, setNetem, startCapture, stopCapture, useCaptures } from './link-actions';
import './live.css';

/** Live actions for a node of the applied lab. */
export function NodeLiveSection({ id }: { id: string }) {
  const lab = useAppliedLab();
  const node = useEditor((s) => s.doc.nodes.find((n) => n.id === id));
  if (!lab || !node || node.kind === 'host') return null;
  const shell = isNetnsNode(node);
  return (
    <div className="np-live-section" role="group" aria-label="Live lab">
      <h3 className="np-inspector__sub">Live lab</h3>
      <div className="np-live-row">
        {shell && (
          <button
            type="button"
            className="np-btn np-btn--small"
            onClick={() => void openTerminal(lab, node.id, node.name)}
          >
            Open terminal
          </button>
        )}
        <button type="button" className="np-btn np-btn--small" onClick={() => showTab('tables')}>
          Live tables
        </button>
        {shell && (
          <button
            type="button"
            className="np-btn np-btn--small"
            onClick={() => (useLive.getState().set({ pickFrom: node.id }), showTab('tools'))}
          >
            Ping from here
          </button>
        )}
      </div>
    </div>
  );
}

const FIELDS: { key: keyof Netem; label: string; max: number; step: number }[] = [
  { key: 'delayMs', label: 'Delay (ms)', max: 1000, step: 5 },
  { key: 'jitterMs', label: 'Jitter (ms)', max: 500, step: 5 },
  { key: 'lossPercent', label: 'Loss (%)', max: 100, step: 1 },
  { key: 'rateKbit', label: 'Rate (kbit/s, 0 = unlimited)', max: 100_000, step: 100 },
];

function NetemSliders({ linkId, end, label }: { linkId: string; end: 'a' | 'b'; label: string }) {
  const current = useEditor((s) => s.doc.links.find((l) => l.id === linkId)?.[end].netem);
  const [draft, setDraft] = useState<Netem>(current ?? {});
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(current ?? {}), [current]);
  const apply = async (next: Netem) => {
    setBusy(true);
    const clean: Netem = {};
    for (const f of FIELDS) if (next[f.key]) clean[f.key] = next[f.key];
    const ok = await setNetem(linkId, end, Object.keys(clean).length ? clean : null);
    setBusy(false);
    // Not applied: the sliders go back to what the kernel (and the file) have.
    if (!ok) setDraft(current ?? {});
  };
  return (
    <fieldset className="np-netem" disabled={busy}>
      <legend>{label}</legend>
      {FIELDS.map((f) => (
        <label key={f.key} className="np-netem__row">
          <span>{f.label}</span>
          <input
            type="range"
            min={0}
            max={f.max}
            step={f.step}
            value={draft[f.key] ?? 0}
            aria-label={`${label}: ${f.label}`}
            onChange={(e) => setDraft({ ...draft, [f.key]: Number(e.target.value) })}
            // The kernel is changed when the slider is let go, not on every pixel of the drag.
            onPointerUp={() => void apply(draft)}
            onKeyUp={() => void apply(draft)}
          />
          <output>{draft[f.key] ?? 0}</output>
        </label>
      ))}
    </fieldset>
  );
}

/** Live actions for a link of the applied lab. */
export function LinkLiveSection({ id }: { id: string }) {
  const lab = useAppliedLab();
  const link = useEditor((s) => s.doc.links.find((l) => l.id === id));
  const names = useEditor(
    useShallow((s) =>
      link ? [link.a.node, link.b.node].map((n) => s.doc.nodes.find((x) => x.id === n)?.name ?? n) : [],
    ),
  );
  const running = useCaptures((s) => s.running[id]);
  const done = useCaptures((s) => s.done[id]);
  if (!lab || !link) return null;
  const up = link.a.up !== false && link.b.up !== false;
  return (
    <div className="np-live-section" role="group" aria-label="Live link">
      <h3 className="np-inspector__sub">Live link</h3>
      <div className="np-live-row">
        <button type="button" className="np-btn np-btn--small" onClick={() => void setLinkState(id, !up)}>
          {up ? 'Set link down' : 'Set link up'}
        </button>
        {running ? (
          <button type="button" className="np-btn np-btn--small" onClick={() => void stopCapture(id)}>
            Stop capture
          </button>
        ) : (
          <button
            type="button"
            className="np-btn np-btn--small"
            onClick={() => void startCapture(lab, id, 'a')}
          >
            Capture packets
          </button>
        )}
      </div>
      {running && (
        <p className="np-muted">
          Capturing on {running.iface} into <code>{running.path}</code>
        </p>
      )}
      {!running && done && (
        <p className="np-muted" data-testid="capture-path">
          Saved {done.packets ?? '?'} packets to <code>{done.path}</code>
        </p>
      )}
      <CaptureFiles lab={lab} linkId={id} />
      <NetemSliders linkId={id} end="a" label={`Emulation leaving ${names[0]} (${link.a.ifname})`} />
      <NetemSliders linkId={id} end="b" label={`Emulation leaving ${names[1]} (${link.b.ifname})`} />
    </div>
  );
}
