/**
 * Pure bookkeeping for the live tables: per-interface rate history (for the
 * sparklines) from successive counter readings, and which FDB/neighbour
 * entries are new since the node was first read (so learning is visible).
 */
import type { Response } from '../../../shared/ipc/contract';

export type NodeTables = Response<'lab:tables'>;

/** History kept between polls of one node. */
export interface TableHistory {
  nodeId: string;
  lastAt: number;
  last: Record<string, { rx: number; tx: number }>;
  /** Recent rx/tx byte rates per interface, oldest first. */
  rates: Record<string, { rx: number[]; tx: number[] }>;
  /** Keys seen at the first reading (old) and when each later key first appeared. */
  baseline: Set<string> | null;
  firstSeen: Record<string, number>;
}

const HISTORY_LEN = 30;

/** A fresh history for a node. */
export function emptyHistory(nodeId: string): TableHistory {
  return { nodeId, lastAt: 0, last: {}, rates: {}, baseline: null, firstSeen: {} };
}

const fdbKey = (e: { mac: string; port: string; vlan?: number }) => `fdb:${e.mac}@${e.port}/${e.vlan ?? ''}`;
const neighKey = (e: { address: string; mac?: string; dev: string }) =>
  `nb:${e.address}@${e.dev}=${e.mac ?? ''}`;

/** Folds one reading into the history (returns a new object). */
export function addReading(h: TableHistory, t: NodeTables): TableHistory {
  const next: TableHistory = { ...h, last: {}, rates: { ...h.rates }, firstSeen: { ...h.firstSeen } };
  const dt = h.lastAt ? (t.at - h.lastAt) / 1000 : 0;
  for (const i of t.interfaces) {
    next.last[i.name] = { rx: i.rx.bytes, tx: i.tx.bytes };
    const prev = h.last[i.name];
    if (!prev || dt <= 0) continue;
    const r = h.rates[i.name] ?? { rx: [], tx: [] };
    // Counters can go backwards when an interface is recreated: count that as zero.
    const rx = Math.max(0, (i.rx.bytes - prev.rx) / dt);
    const tx = Math.max(0, (i.tx.bytes - prev.tx) / dt);
    next.rates[i.name] = { rx: [...r.rx, rx].slice(-HISTORY_LEN), tx: [...r.tx, tx].slice(-HISTORY_LEN) };
  }
  next.lastAt = t.at;
  const keys = [...t.fdb.map(fdbKey), ...t.neighbours.map(neighKey)];
  if (!h.baseline) next.baseline = new Set(keys);
  else for (const k of keys) if (!h.baseline.has(k) && !(k in next.firstSeen)) next.firstSeen[k] = t.at;
  return next;
}

/** True when an FDB entry was learned since the first reading, less than `forMs` ago. */
export function isNewFdb(
  h: TableHistory,
  e: { mac: string; port: string; vlan?: number },
  now: number,
  forMs = 8000,
): boolean {
  const at = h.firstSeen[fdbKey(e)];
  return at !== undefined && now - at < forMs;
}

/** Same for a neighbour entry. */
export function isNewNeighbour(
  h: TableHistory,
  e: { address: string; mac?: string; dev: string },
  now: number,
  forMs = 8000,
): boolean {
  const at = h.firstSeen[neighKey(e)];
  return at !== undefined && now - at < forMs;
}
