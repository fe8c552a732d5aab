/**
 * Step mode (`lab:trace`): send ONE ping between two lab nodes and show its
 * path hop by hop, built from real captures: `tcpdump -l -n -e -tt` with
 * nanosecond stamps on the interfaces of the path there and back (computed
 * by trace-path.ts from `ip route get` in each namespace; both end nodes
 * always included; at most MAX_POINTS), bounded by a packet count and a 5 s
 * deadline, plus `ip neigh` / `bridge fdb` read before and after.
 * trace-order.ts orders the frames by kernel stamp, trace-explain.ts turns
 * them into explained hops. Progress goes to `onProgress`.
 *
 * By default (`fresh`) the neighbour tables of the namespaces on the path and the
 * learned FDB of its bridges are flushed first, so the ARP exchange and MAC
 * learning are part of the trace even right after another ping; that only
 * touches what the lab owns.
 */
import { spawn } from 'node:child_process';
import { hasErrors, validateDocument } from '../../../shared/validate';
import { nodeAddresses, ROOT_NS } from '../../../shared/plan';
import { addressOf, family } from '../../../shared/util/ip';
import { PlainError } from '../plain-error';
import type { Runner } from '../runner';
import { labTarget } from './lab-addresses';
import { inNs, labIfaces, type LabIface } from './lab-ifaces';
import { ifaceKey, walkPath, type RouteHop } from './trace-path';
import { ownedBridge, ownedNode, runnerOf, type LiveOptions } from './owned';
import { parseFdb } from './tables';
import { explainTrace, type CapturePoint, type ExplainContext, type TraceHop } from './trace-explain';
import { parseTcpdumpLine, type Frame } from './trace-parse';
import { pingFailure } from './ping';
import { notInstalled } from '../missing-tool';

/** At most this many interfaces are captured on (the computed path is usually far fewer). */
export const MAX_POINTS = 64;

/** What a running trace is doing, for the page (`trace:progress`). */
export interface TraceProgress {
  phase: 'path' | 'captures' | 'ping' | 'collect';
  done: number;
  total: number;
  message: string;
}

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
  /** What tcpdump (or `ip netns exec`) said on stderr so far. */
  said: () => string;
}

function startTap(i: LabIface, point: CapturePoint, filter: string): Tap {
  // Nanosecond kernel stamps (one clock for every tap): hops are ordered by them, not by arrival.
  const argv = [
    ...inNs(i.ns),
    'tcpdump',
    '--immediate-mode',
    '--time-stamp-precision=nano',
    '-l',
    '-n',
    '-e',
    '-tt',
    '-i',
    i.name,
    '-c',
    '40',
    filter,
  ];
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
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
    child.on('error', (e) => {
      err += e.message;
      resolve();
    });
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
  return { point, lines, stop: () => child.kill('SIGINT'), done, listening, said: () => err };
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

async function routeGet(runner: Runner, ns: string, to: string): Promise<RouteHop | undefined> {
  const r = await runner(['ip', ...(ns ? ['-n', ns] : []), 'route', 'get', to], { timeoutMs: 5000 });
  if (r.exitCode !== 0) return undefined;
  const text = r.stdout
    .split('\n')[0]
    .replace(/\s+uid \d+.*$/, '')
    .trim();
  const via = / via (\S+)/.exec(text)?.[1];
  const dev = / dev (\S+)/.exec(text)?.[1];
  return { text, ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
}

/** Runs step mode for `doc`'s lab from node `from` to node or address `to`. */
export async function traceDocument(
  doc: unknown,
  from: string,
  to: string,
  o: LiveOptions & { fresh?: boolean; onProgress?: (p: TraceProgress) => void } = {},
): Promise<TraceResult> {
  const v = validateDocument(doc);
  if (!v.topology || hasErrors(v.problems)) throw new PlainError('the topology is not valid');
  const lab = v.topology.name;
  const runner = runnerOf(o);
  const progress = (p: TraceProgress) => o.onProgress?.(p);
  progress({ phase: 'path', done: 0, total: 1, message: 'finding the path with the routing tables' });
  const src = await ownedNode(lab, from, o);
  // The node's id: `from` may name it by its name (findLabNode).
  const fromId = src.nodeId;
  const t = src.topology;
  const target = labTarget(t, to);
  const { ifaces } = await labIfaces(lab, o);
  const notes: string[] = [];
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const addrsOf = (id: string) => nodeAddresses(t, id).map((a) => addressOf(a) ?? a);
  const nsOfNode = new Map<string, string>();
  for (const i of ifaces) if (byId.get(i.nodeId)?.kind !== 'bridge') nsOfNode.set(i.nodeId, i.ns);

  // The path, both ways, from `ip route get` along the way; the answers also explain the hops.
  const ctx: ExplainContext = { routes: {}, neighBefore: {}, fdbBefore: {} };
  const srcAddr = addrsOf(fromId).find((a) => family(a) === family(target.address)) ?? '';
  const route = async (nodeId: string, dst: string): Promise<RouteHop | undefined> => {
    const ns = nsOfNode.get(nodeId);
    // Why: only the lab's own namespaces are asked (never the host's routing table).
    if (ns === undefined || ns === ROOT_NS || !['namespace', 'router'].includes(byId.get(nodeId)?.kind ?? ''))
      return undefined;
    const r = await routeGet(runner, ns, dst);
    if (r) (ctx.routes[nodeId] ??= {})[dst] = r.text;
    return r;
  };
  const pathNodes = t.nodes.map((n) => ({ id: n.id, kind: n.kind, addresses: addrsOf(n.id) }));
  const there = await walkPath(fromId, target.address, pathNodes, ifaces, route);
  const dstNode =
    target.nodeId ?? pathNodes.find((n) => n.addresses.includes(target.address))?.id ?? there.nodes.at(-1);
  const back = dstNode && srcAddr ? await walkPath(dstNode, srcAddr, pathNodes, ifaces, route) : undefined;
  if (!there.arrived && there.stopped) notes.push(`the way there stops: ${there.stopped}`);
  if (back && !back.arrived && back.stopped) notes.push(`the way back stops: ${back.stopped}`);
  // Both end nodes are always captured on, whatever the routes say.
  const ends = ifaces.filter((i) => i.nodeId === fromId || i.nodeId === dstNode).map(ifaceKey);
  const wanted = [...new Set([...there.points, ...(back?.points ?? []), ...ends])];
  const byKey = new Map(ifaces.map((i) => [ifaceKey(i), i]));
  const chosen = wanted
    .map((k) => byKey.get(k)!)
    .filter(Boolean)
    .slice(0, MAX_POINTS);
  if (wanted.length > MAX_POINTS)
    notes.push(
      `the path crosses ${wanted.length} interfaces; only the first ${MAX_POINTS} along it were captured on`,
    );
  notes.push(
    `captured on ${chosen.length} of the lab's ${ifaces.length} interfaces: the ones on the path there and back`,
  );
  const onPath = new Set(chosen.map((i) => i.nodeId));
  const routers = [...nsOfNode].filter(
    ([id]) => onPath.has(id) && ['namespace', 'router'].includes(byId.get(id)?.kind ?? ''),
  );
  const nextHop = (await routeGet(runner, src.ns, target.address))?.via ?? target.address;
  const bridges = t.nodes.filter((n) => n.kind === 'bridge' && onPath.has(n.id));
  const neigh = async (ns: string) =>
    Object.fromEntries(
      (await jsonOf(runner, ['ip', '-j', '-n', ns, 'neigh', 'show'])).map((n) => [
        String(n.dst),
        String(n.lladdr ?? ''),
      ]),
    );
  const fdbOf = async (b: (typeof bridges)[number]) => {
    const port = ifaces.find((i) => i.nodeId === b.id)!;
    const rows = parseFdb(
      await jsonOf(runner, [
        'bridge',
        '-j',
        ...(port.ns ? ['-n', port.ns] : []),
        'fdb',
        'show',
        'br',
        b.name,
      ]),
      b.name,
    );
    return Object.fromEntries(rows.map((r) => [r.mac, r.port]));
  };
  // Why as late as possible (captures already listening, right before the ping): a lab just applied
  // still sends IPv6 DAD, MLD and router solicitations for seconds, which teach the bridges again.
  // Why ownedBridge: the flush touches a bridge that may sit in the root namespace; only ours (marked).
  const owned = o.fresh !== false ? await Promise.all(bridges.map((b) => ownedBridge(lab, b.id, o))) : [];
  const flushAndRead = async () => {
    if (o.fresh !== false) {
      // Only the lab's own namespaces on the path (owned, from labIfaces) and marked bridges are touched.
      const namespaces = [...new Set(routers.map(([, ns]) => ns))].filter((ns) => ns !== ROOT_NS);
      await Promise.all(
        namespaces.map((ns) => runner(['ip', '-n', ns, 'neigh', 'flush', 'all'], { timeoutMs: 5000 })),
      );
      for (const ob of owned) {
        await runner(
          [
            'ip',
            ...(ob.ns ? ['-n', ob.ns] : []),
            'link',
            'set',
            'dev',
            ob.name,
            'type',
            'bridge',
            'fdb_flush',
          ],
          { timeoutMs: 5000 },
        );
      }
      notes.push(
        `the neighbour tables of the namespaces on the path${bridges.length ? ` and the learned FDB entries of ${bridges.map((b) => b.name).join(', ')}` : ''} were flushed first, so the trace shows ARP${bridges.length ? ' and MAC learning' : ''} from the start (next hop of ${src.ns}: ${nextHop})`,
      );
    }
    ctx.neighBefore[fromId] = await neigh(src.ns);
    for (const b of bridges) ctx.fdbBefore[b.id] = await fdbOf(b);
  };

  // Capture, ping once, stop.
  const filter = family(target.address) === 6 ? 'icmp6' : 'arp or icmp';
  const taps = chosen.map((i) => {
    const node = byId.get(i.nodeId)!;
    const point: CapturePoint = {
      nodeId: node.id,
      nodeName: node.name,
      nodeKind: node.kind,
      iface: i.name,
      linkId: i.linkId,
      end: i.end,
      ...(i.mac ? { mac: i.mac } : {}),
      ...(node.kind === 'bridge' ? { bridge: node.name } : {}),
      nodeAddresses: addrsOf(node.id),
    };
    return startTap(i, point, filter);
  });
  let reached = false;
  try {
    let listening = 0;
    const started = taps.map((x) =>
      x.listening.then(() =>
        progress({
          phase: 'captures',
          done: ++listening,
          total: taps.length,
          message: `starting captures ${listening}/${taps.length}`,
        }),
      ),
    );
    progress({
      phase: 'captures',
      done: 0,
      total: taps.length,
      message: `starting captures 0/${taps.length}`,
    });
    await Promise.race([Promise.all(started), new Promise((r) => setTimeout(r, 3000))]);
    // Why stop: without tcpdump no frame can be seen, and an empty trace would read as the lab's path.
    const missing = taps.map((x) => notInstalled('tcpdump', x.said())).find(Boolean);
    if (missing) throw new PlainError(missing);
    await flushAndRead();
    progress({ phase: 'ping', done: 0, total: 1, message: `pinging ${target.address} once from ${src.ns}` });
    const p = await runner(
      ['ip', 'netns', 'exec', src.ns, 'ping', '-n', '-c', '1', '-W', '2', target.address],
      { timeoutMs: 4000 },
    );
    const failure = pingFailure(src.ns, p);
    // Why stop: a trace of a ping that never ran would explain an empty path as the lab's.
    if (failure) throw new PlainError(failure);
    reached = /1 received/.test(p.stdout);
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    progress({
      phase: 'collect',
      done: 0,
      total: taps.length,
      message: `collecting the frames of ${taps.length} captures`,
    });
    for (const x of taps) x.stop();
    await Promise.all(taps.map((x) => x.done));
  }
  const captures: { point: CapturePoint; frame: Frame }[] = [];
  for (const x of taps)
    for (const l of x.lines) {
      const f = parseTcpdumpLine(l);
      if (f) captures.push({ point: x.point, frame: f });
    }
  const hops = explainTrace(captures, ctx);

  // After: what was learned.
  const learned: string[] = [];
  const neighAfter = await neigh(src.ns);
  for (const [ip, mac] of Object.entries(neighAfter))
    if (mac && ctx.neighBefore[fromId][ip] !== mac)
      learned.push(`${src.ns} neighbour table: ${ip} is at ${mac}`);
  for (const b of bridges) {
    const after = await fdbOf(b);
    for (const [mac, port] of Object.entries(after))
      if (ctx.fdbBefore[b.id][mac] !== port) learned.push(`${b.name} FDB: ${mac} on port ${port}`);
  }
  if (!hops.length) notes.push('no frame was captured (is the link down, or tcpdump missing?)');
  return { lab, from, to: target.address, reached, hops, learned, notes };
}
