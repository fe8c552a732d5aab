/**
 * Live tables of the selected node, read every second while the lab is
 * applied: addresses and counters (with sparklines), routes, neighbours, and
 * a bridge's forwarding database. Entries learned since the node was first
 * read are highlighted, so MAC learning is visible as it happens.
 */
import { useEffect, useRef, useState } from 'react';
import { getApi } from '../../api';
import { useEditor } from '../../store/editor';
import {
  addReading,
  emptyHistory,
  isNewFdb,
  isNewNeighbour,
  type NodeTables,
  type TableHistory,
} from './table-history';
import { formatRate, Sparkline } from './Sparkline';
import { useAppliedLab } from './live-store';

function useTables(lab: string | null, nodeId: string | null) {
  const [tables, setTables] = useState<NodeTables | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hist = useRef<TableHistory>(emptyHistory(''));
  const [, bump] = useState(0);
  useEffect(() => {
    setTables(null);
    setError(null);
    hist.current = emptyHistory(nodeId ?? '');
    if (!lab || !nodeId) return;
    let stop = false;
    let busy = false;
    const poll = async () => {
      if (busy || stop) return;
      busy = true;
      const r = await getApi()['lab:tables']({ lab, nodeId });
      busy = false;
      if (stop) return;
      if (!r.ok) return setError(r.error);
      setError(null);
      hist.current = addReading(hist.current, r.value);
      setTables(r.value);
      bump((n) => n + 1);
    };
    void poll();
    const t = setInterval(() => void poll(), 1000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [lab, nodeId]);
  return { tables, error, hist: hist.current };
}

/** The Tables tab of the bottom panel. */
export function TablesView() {
  const lab = useAppliedLab();
  const sel = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : null));
  const node = useEditor((s) => (sel ? s.doc.nodes.find((n) => n.id === sel) : undefined));
  const usable = node && node.kind !== 'host' ? node.id : null;
  const { tables, error, hist } = useTables(lab, usable);
  if (!lab) return <p className="np-live-empty">Apply the lab to read its live tables.</p>;
  if (!node) return <p className="np-live-empty">Select one node to see its live tables.</p>;
  if (!usable)
    return (
      <p className="np-live-empty">
        A host node has no tables of the lab (netplumb reads only what the lab owns).
      </p>
    );
  if (error)
    return (
      <p className="np-live-empty is-error">
        Could not read {node.name}: {error}
      </p>
    );
  if (!tables) return <p className="np-live-empty">Reading {node.name}…</p>;
  const now = tables.at;
  return (
    <div
      className="np-tables"
      role="group"
      aria-label={`Live tables of ${node.name}`}
      data-testid="live-tables"
    >
      <section aria-label="Interfaces">
        <h3>Interfaces</h3>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>MAC</th>
              <th>Addresses</th>
              <th>RX</th>
              <th>TX</th>
            </tr>
          </thead>
          <tbody>
            {tables.interfaces.map((i) => {
              const r = hist.rates[i.name];
              return (
                <tr key={i.name}>
                  <td>
                    {i.name}
                    {i.master ? <span className="np-muted"> (port of {i.master})</span> : null}
                  </td>
                  <td className={i.up ? 'is-up' : 'is-down'}>{i.operstate.toLowerCase()}</td>
                  <td className="np-mono">{i.mac ?? ''}</td>
                  <td className="np-mono">{i.addresses.join(', ')}</td>
                  <td title={`${i.rx.packets} packets, ${i.rx.bytes} bytes`}>
                    <Sparkline values={r?.rx ?? []} label={`${i.name} receive rate`} />{' '}
                    {formatRate(r?.rx.at(-1) ?? 0)}
                  </td>
                  <td title={`${i.tx.packets} packets, ${i.tx.bytes} bytes`}>
                    <Sparkline values={r?.tx ?? []} label={`${i.name} send rate`} />{' '}
                    {formatRate(r?.tx.at(-1) ?? 0)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {tables.kind === 'bridge' ? (
        <section aria-label="Forwarding database">
          <h3>Forwarding database (learned MACs)</h3>
          {tables.fdb.length === 0 ? (
            <p className="np-muted">
              Nothing learned yet: the bridge learns a MAC when a frame from it arrives on a port.
            </p>
          ) : (
            <table data-testid="fdb-table">
              <thead>
                <tr>
                  <th>MAC</th>
                  <th>Port</th>
                  <th>VLAN</th>
                </tr>
              </thead>
              <tbody>
                {tables.fdb.map((e) => (
                  <tr
                    key={`${e.mac}|${e.port}|${e.vlan ?? ''}`}
                    className={isNewFdb(hist, e, now) ? 'is-new' : undefined}
                  >
                    <td className="np-mono">{e.mac}</td>
                    <td>{e.port}</td>
                    <td>{e.vlan ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : (
        <>
          <section aria-label="Routes">
            <h3>Routes</h3>
            <table>
              <thead>
                <tr>
                  <th>Destination</th>
                  <th>Via</th>
                  <th>Device</th>
                  <th>Proto</th>
                  <th>Metric</th>
                </tr>
              </thead>
              <tbody>
                {tables.routes.map((r, k) => (
                  <tr key={k}>
                    <td className="np-mono">{r.dst}</td>
                    <td className="np-mono">{r.via ?? ''}</td>
                    <td>{r.dev ?? ''}</td>
                    <td>{r.protocol ?? ''}</td>
                    <td>{r.metric ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-label="Neighbours">
            <h3>Neighbours (ARP/ND)</h3>
            {tables.neighbours.length === 0 ? (
              <p className="np-muted">Empty: no address has been resolved to a MAC yet.</p>
            ) : (
              <table data-testid="neighbour-table">
                <thead>
                  <tr>
                    <th>Address</th>
                    <th>MAC</th>
                    <th>Device</th>
                    <th>State</th>
                  </tr>
                </thead>
                <tbody>
                  {tables.neighbours.map((n) => (
                    <tr
                      key={`${n.address}|${n.dev}`}
                      className={isNewNeighbour(hist, n, now) ? 'is-new' : undefined}
                    >
                      <td className="np-mono">{n.address}</td>
                      <td className="np-mono">{n.mac ?? ''}</td>
                      <td>{n.dev}</td>
                      <td>{n.state.join(' ').toLowerCase()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}
