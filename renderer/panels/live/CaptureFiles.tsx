/**
 * The saved captures of one link (capture:list): each with its time and
 * size, a Download button (desktop: Save as through main; browser mode: the
 * signed-in page downloads /captures/NAME from `netplumb serve`) and a small
 * packet table of the first packets (capture:packets). A capture that just
 * stopped is opened in the table by itself.
 */
import { useEffect, useState } from 'react';
import type { Response } from '../../../shared/ipc/contract';
import { getApi } from '../../api';
import { toast } from '../../store/ui-store';
import { useCaptures } from './link-actions';

type CaptureFile = Response<'capture:list'>['captures'][number];
type Packets = Response<'capture:packets'>;

/** Shown packets per capture (the table is a preview; the download has them all). */
const TABLE_PACKETS = 50;

/** 1536 → "1.5 KiB". */
function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

async function download(name: string): Promise<void> {
  if (typeof window !== 'undefined' && window.netplumb) {
    const r = await getApi()['capture:save']({ name });
    if (!r.ok) return toast(`Could not save the capture: ${r.error}`, 'error');
    if (!r.value.cancelled) toast(`Saved the capture to ${r.value.path}`);
    return;
  }
  // Browser mode: the server sends the file to this signed-in page (session cookie).
  const a = document.createElement('a');
  a.href = `/captures/${encodeURIComponent(name)}`;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

function PacketTable({ p }: { p: Packets }) {
  return (
    <div className="np-packets">
      <table data-testid="packet-table" aria-label={`Packets of ${p.name}`}>
        <thead>
          <tr>
            <th>No.</th>
            <th>Time (s)</th>
            <th>Source</th>
            <th>Destination</th>
            <th>Protocol</th>
            <th>Length</th>
            <th>Summary</th>
          </tr>
        </thead>
        <tbody>
          {p.packets.map((r) => (
            <tr key={r.n} data-testid="packet-row">
              <td>{r.n}</td>
              <td>{r.t.toFixed(6)}</td>
              <td>{r.src}</td>
              <td>{r.dst}</td>
              <td>{r.protocol}</td>
              <td>{r.length}</td>
              <td>{r.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!p.packets.length && <p className="np-muted">No packets in this capture.</p>}
      {p.more && (
        <p className="np-muted">First {p.packets.length} packets shown; download the file for all of them.</p>
      )}
      {p.note && <p className="np-muted">{p.note}</p>}
    </div>
  );
}

/** The captures saved for link `linkId` of `lab`. */
export function CaptureFiles({ lab, linkId }: { lab: string; linkId: string }) {
  const done = useCaptures((s) => s.done[linkId]);
  const [files, setFiles] = useState<CaptureFile[]>([]);
  const [shown, setShown] = useState<Packets | null>(null);
  const [error, setError] = useState<string | null>(null);

  const show = async (name: string) => {
    const r = await getApi()['capture:packets']({ name, max: TABLE_PACKETS });
    if (!r.ok) return setError(r.error);
    setError(null);
    setShown(r.value);
  };

  useEffect(() => {
    let live = true;
    void getApi()
      ['capture:list']({ lab, linkId })
      .then((r) => {
        if (!live) return;
        if (!r.ok) return setError(r.error);
        setFiles(r.value.captures);
        // A capture that just stopped opens in the table.
        const justSaved = done && r.value.captures.find((c) => done.path.endsWith(`/${c.name}`));
        if (justSaved) void show(justSaved.name);
      });
    return () => {
      live = false;
    };
  }, [lab, linkId, done]);

  if (!files.length && !error) return null;
  return (
    <div className="np-captures" role="group" aria-label="Saved captures">
      <h4 className="np-inspector__sub">Saved captures</h4>
      <ul className="np-capture-list" data-testid="capture-list">
        {files.map((f) => (
          <li key={f.name} data-testid="capture-file">
            <span className="np-capture-name" title={f.name}>
              {f.end ? `end ${f.end}, ` : ''}
              {new Date(f.at).toLocaleTimeString()}
            </span>
            <span className="np-muted">{formatBytes(f.bytes)}</span>
            <button
              type="button"
              className="np-btn np-btn--small"
              aria-pressed={shown?.name === f.name}
              onClick={() => void show(f.name)}
            >
              Packets
            </button>
            <button type="button" className="np-btn np-btn--small" onClick={() => void download(f.name)}>
              Download
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="np-live-empty is-error">{error}</p>}
      {shown && <PacketTable p={shown} />}
    </div>
  );
}
