/**
 * Step mode (`lab:trace`): send ONE ping between two lab nodes and show its
 * path hop by hop, built from real captures: `tcpdump -l -n -e -tt` on every
 * lab interface (at most MAX_POINTS), bounded by a packet count and a 5 s
 * deadline, plus `ip route get` / `ip neigh` / `bridge fdb` read before and
 * after. trace-explain.ts turns the frames into explained hops.
 *
 * By default (`fresh`) the neighbour tables of the lab's namespaces and the
 * learned FDB of its bridges are flushed first, so the ARP exchange and MAC
 * learning are part of the trace even right after another ping; that only
 * touches what the lab owns.
 */
import { spawn } from 'node:child_process';
import { hasErrors, validateDocument } from '../../../shared/validate';
import { nodeAddresses } from '../../../shared/plan';
import { addressOf, family } from '../../../shared/util/ip';
import { PlainError } from '../plain-error';
import type { Runner } from '../runner';
import { labTarget } from './lab-addresses';
import { inNs, labIfaces, type LabIface } from './lab-ifaces';
import { ownedBridge, ownedNode, runnerOf, type LiveOptions } from './owned';
import { parseFdb } from './tables';
import { explainTrace, type CapturePoint, type ExplainContext, type TraceHop } from './trace-explain';
import { parseTcpdumpLine, type Frame } from './trace-parse';

/** At most this many interfaces are captured on (small labs: all of them). */
export const MAX_POINTS = 24;

export interface TraceResult {
  lab: string;
  from: string;
  to: string;
  reached: boolean;
  hops: TraceHop[];
  /** FDB entries and neighbour entries that appeared during the trace, in plain words. */
  learned: string[];
  /** Plain-words notes (flushed entries, interfaces not captured, ...). */
  notes: string[];
}

interface Tap {
  point: CapturePoint;
  lines: string[];
  stop: () => void;
  done: Promise<void>;
  listening: Promise<void>;
}

function startTap(i: LabIface, point: CapturePoint, filter: string): Tap {
  const argv = [...inNs(i.ns), 'tcpdump', '--immediate-mode', '-l', '-n', '-e', '-tt', '-i', i.name, '-c', '40', filter];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const lines: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
  });
  let err = '';
  const listening = new Promise<void>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/listening on/.test(err)) resolve();
    });
    child.on('close', () => resolve());
    child.on('error', () => resolve());
  });
  // Hard deadline: no tap outlives 5 s.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 5000);
  const done = new Promise<void>((resolve) => {
    child.on('close', () => {
      clearTimeout(deadline);
      if (buf) lines.push(buf);
      resolve();
    });
    child.on('error', () => resolve());
  });
  return { point, lines, stop: () => child.kill('SIGINT'), done, listening };
}

async function jsonOf(runner: Runner, argv: string[]): Promise<Record<string, unknown>[]> {
  const r = await runner(argv, { timeoutMs: 5000 });
  if (r.exitCode !== 0) return [];
  try {
    return JSON.parse(r.stdout || '[]') as Record<string, unknown>[];
  } catch {
    return [];
  }
}

async function routeGet(runner: Runner, ns: string, to: string): Promise<{ text: string; via?: string } | undefined> {
  const r = await runner(['ip', ...(ns ? ['-n', ns] : []), 'route', 'get', to], { timeoutMs: 5000 });
  if (r.exitCode !== 0) return undefined;
  const text = r.stdout.split('\n')[0].replace(/\s+uid \d+.*$/, '').trim();
  const via = / via (\S+)/.exec(text)?.[1];
  return { text, ...(via ? { via } : {}) };
}

/** Runs step mode for `doc`'s lab from node `from` to node or address `to`. */
export async function traceDocument(doc: unknown, from: string, to: string, o: LiveOptions & { fresh?: boolean } = {}): Promise<TraceResult> {
  const v = validateDocument(doc);
  if (!v.topology || hasErrors(v.problems)) throw new PlainError('the topology is not valid');
  const lab = v.topology.name;
  const runner = runnerOf(o);
  const src = await ownedNode(lab, from, o);
  const t = src.topology;
  const target = labTarget(t, to);
  const { ifaces } = await labIfaces(lab, o);
  const notes: string[] = [];
  const chosen = ifaces.slice(0, MAX_POINTS);
  if (ifaces.length > MAX_POINTS) notes.push(`only the first ${MAX_POINTS} of ${ifaces.length} interfaces were captured on`);
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const addrsOf = (id: string) => nodeAddresses(t, id).map((a) => addressOf(a) ?? a);
  const nsOfNode = new Map<string, string>();
  for (const i of ifaces) if (byId.get(i.nodeId)?.kind !== 'bridge') nsOfNode.set(i.nodeId, i.ns);

  // Before: routes towards both ends from every node that routes, neighbours, FDBs.
  const ctx: ExplainContext = { routes: {}, neighBefore: {}, fdbBefore: {} };
  const srcAddr = addrsOf(from).find((a) => family(a) === family(target.address)) ?? '';
  const routers = [...nsOfNode].filter(([id]) => ['namespace', 'router'].includes(byId.get(id)?.kind ?? ''));
  await Promise.all(
    routers.map(async ([id, ns]) => {
      ctx.routes[id] = {};
      for (const dst of [target.address, srcAddr].filter(Boolean)) {
        const r = await routeGet(runner, ns, dst);
        if (r) ctx.routes[id][dst] = r.text;
      }
    }),
  );
  const nextHop = (await routeGet(runner, src.ns, target.address))?.via ?? target.address;
  const bridges = t.nodes.filter((n) => n.kind === 'bridge' && ifaces.some((i) => i.nodeId === n.id));
  if (o.fresh !== false) {
    // Only the lab's own namespaces (owned, from labIfaces) and marked bridges are touched.
    const namespaces = [...new Set(routers.map(([, ns]) => ns))];
    await Promise.all(namespaces.map((ns) => runner(['ip', '-n', ns, 'neigh', 'flush', 'all'], { timeoutMs: 5000 })));
    for (const b of bridges) {
      // Why ownedBridge: the flush touches a bridge that may sit in the root namespace; only ours (marked).
      const ob = await ownedBridge(lab, b.id, o);
      await runner(['ip', ...(ob.ns ? ['-n', ob.ns] : []), 'link', 'set', 'dev', ob.name, 'type', 'bridge', 'fdb_flush'], { timeoutMs: 5000 });
    }
    notes.push(
      `the neighbour tables of the lab's namespaces${bridges.length ? ` and the learned FDB entries of ${bridges.map((b) => b.name).join(', ')}` : ''} were flushed first, so the trace shows ARP${bridges.length ? ' and MAC learning' : ''} from the start (next hop of ${src.ns}: ${nextHop})`,
    );
  }
  const neigh = async (ns: string) => Object.fromEntries((await jsonOf(runner, ['ip', '-j', '-n', ns, 'neigh', 'show'])).map((n) => [String(n.dst), String(n.lladdr ?? '')]));
  ctx.neighBefore[from] = await neigh(src.ns);
  const fdbOf = async (b: (typeof bridges)[number]) => {
    const port = ifaces.find((i) => i.nodeId === b.id)!;
    const rows = parseFdb(await jsonOf(runner, ['bridge', '-j', ...(port.ns ? ['-n', port.ns] : []), 'fdb', 'show', 'br', b.name]), b.name);
    return Object.fromEntries(rows.map((r) => [r.mac, r.port]));
  };
  for (const b of bridges) ctx.fdbBefore[b.id] = await fdbOf(b);

  // Capture, ping once, stop.
  const filter = family(target.address) === 6 ? 'icmp6' : 'arp or icmp';
  const taps = chosen.map((i) => {
    const node = byId.get(i.nodeId)!;
    const point: CapturePoint = {
      nodeId: node.id, nodeName: node.name, nodeKind: node.kind, iface: i.name, linkId: i.linkId, end: i.end,
      ...(i.mac ? { mac: i.mac } : {}), ...(node.kind === 'bridge' ? { bridge: node.name } : {}), nodeAddresses: addrsOf(node.id),
    };
    return startTap(i, point, filter);
  });
  let reached = false;
  try {
    await Promise.race([Promise.all(taps.map((x) => x.listening)), new Promise((r) => setTimeout(r, 3000))]);
    const p = await runner(['ip', 'netns', 'exec', src.ns, 'ping', '-n', '-c', '1', '-W', '2', target.address], { timeoutMs: 4000 });
    reached = /1 received/.test(p.stdout);
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    for (const x of taps) x.stop();
    await Promise.all(taps.map((x) => x.done));
  }
  const captures: { point: CapturePoint; frame: Frame }[] = [];
  for (const x of taps) for (const l of x.lines) {
    const f = parseTcpdumpLine(l);
    if (f) captures.push({ point: x.point, frame: f });
  }
  const hops = explainTrace(captures, ctx);

  // After: what was learned.
  const learned: string[] = [];
  const neighAfter = await neigh(src.ns);
  for (const [ip, mac] of Object.entries(neighAfter)) if (mac && ctx.neighBefore[from][ip] !== mac) learned.push(`${src.ns} neighbour table: ${ip} is at ${mac}`);
  for (const b of bridges) {
    const after = await fdbOf(b);
    for (const [mac, port] of Object.entries(after)) if (ctx.fdbBefore[b.id][mac] !== port) learned.push(`${b.name} FDB: ${mac} on port ${port}`);
  }
  if (!hops.length) notes.push('no frame was captured (is the link down, or tcpdump missing?)');
  return { lab, from, to: target.address, reached, hops, learned, notes };
}
