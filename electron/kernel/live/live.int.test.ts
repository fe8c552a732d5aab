/**
 * The live lab on the real kernel: one classic lab (two namespaces on a
 * bridge, unique names) applied once for the file; ping, check, tables,
 * link down/up, capture, step mode, rates and terminals run against it.
 * Everything is removed in afterAll, even when a test fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopologyInput } from '../../../shared/model';
import { applyDocument, destroyLab } from '../engine';
import { localEngine } from '../engine';
import { LabStore } from '../lab-store';
import { netnsInode } from '../netns';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { classicLab } from '../test-support/labs';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { CaptureManager } from './capture';
import { checkDocument } from './check';
import { setLinkState } from './link-edit';
import { labNamespaces, ownedNode } from './owned';
import { pingInLab } from './ping';
import { readLive } from '../live-read';
import { useNsread } from '../live-reader';
import { execaRunner, type Runner } from '../runner';
import { RateSampler } from './rates';
import { readTables } from './tables';
import { TerminalManager } from './terminals';
import { traceDocument } from './trace';
import { tracerouteInLab } from './traceroute';

const root = isRoot();
const p = uniquePrefix();
const run = tempRunDir();
const o = { runDir: run.dir };
const lab = `${p}-classic`;
let doc: TopologyInput;

const macOf = (ns: string, dev: string) =>
  JSON.parse(execFileSync('ip', ['-j', '-n', ns, 'link', 'show', 'dev', dev], { encoding: 'utf8' }))[0]
    .address as string;

/** A directory of links to every program netplumb runs (found on PATH) but `missing`: a PATH for a host without it. */
function pathWithout(missing: string): string {
  const bin = mkdtempSync(join(tmpdir(), `np-no-${missing}-`));
  for (const t of ['ip', 'bridge', 'tc', 'bash', 'sh', 'nsenter', 'sysctl', 'ping', 'tcpdump']) {
    if (t === missing) continue;
    const at = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    if (at) symlinkSync(at, join(bin, t));
  }
  return bin;
}

describe.skipIf(!root)(`live lab on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  beforeAll(async () => {
    doc = {
      ...classicLab(p),
      expect: [
        { from: 'ns1', to: 'ns2' },
        { from: 'ns2', to: 'ns1' },
        { from: 'ns1', to: '10.0.9.9', reach: false },
      ],
    };
    const a = await applyDocument(doc, o);
    // A lab record that names a namespace someone else made (no mark, no recorded inode).
    execFileSync('ip', ['netns', 'add', `${p}f`]);
    new LabStore(run.dir).writeRecord({
      lab: `${p}-fake`,
      topology: {
        ...classicLab(p),
        name: `${p}-fake`,
        nodes: [{ id: 'x', name: `${p}f`, kind: 'namespace', routes: [] }],
        links: [],
        expect: [],
        annotations: [],
      } as never,
      appliedAt: '',
      namespaces: {},
    });
    expect(a.result?.error).toBeUndefined();
    expect(a.result?.ok).toBe(true);
  }, 120_000);
  afterAll(async () => {
    try {
      await destroyLab(lab, o);
    } finally {
      await cleanupPrefix(p);
      run.remove();
    }
    // Namespace teardown is asynchronous in the kernel and slow on a loaded machine.
  }, 180_000);

  it('knows which namespaces the lab owns, and refuses a namespace it does not own', async () => {
    const owned = await labNamespaces(lab, o);
    expect(owned.map((n) => [n.nodeId, n.ns]).sort()).toEqual([
      ['ns1', `${p}a`],
      ['ns2', `${p}b`],
    ]);
    // Without recorded inodes, the lab's mark on each namespace's lo is enough.
    const store = new LabStore(run.dir);
    const rec = store.readRecord(lab)!;
    try {
      store.writeRecord({ ...rec, namespaces: {} });
      expect((await labNamespaces(lab, o)).map((n) => n.by)).toEqual(['mark', 'mark']);
    } finally {
      store.writeRecord(rec);
    }
    // A lab record (written in beforeAll) names a namespace someone else made (no mark, no recorded inode).
    await expect(ownedNode(`${p}-fake`, 'x', o)).rejects.toThrow(/not owned/);
    await expect(labNamespaces(`${p}-fake`, o)).resolves.toEqual([]);
    // Bridges and unknown ids are not places to run commands.
    await expect(ownedNode(lab, 'br0', o)).rejects.toThrow(/not a namespace/);
    await expect(ownedNode(lab, 'nope', o)).rejects.toThrow(/no node/);
    await expect(ownedNode('not-applied-here', 'ns1', o)).rejects.toThrow(/not applied/);
  });

  it('pings between lab nodes by id and by address; refuses addresses outside the lab', async () => {
    const r = await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 2 });
    expect(r).toMatchObject({ to: '10.0.0.2', sent: 2, received: 2, reached: true });
    expect(r.rtt?.avg).toBeGreaterThan(0);
    const miss = await pingInLab(lab, 'ns1', '10.0.0.77', { ...o, count: 1 });
    expect(miss).toMatchObject({ received: 0, reached: false });
    await expect(pingInLab(lab, 'ns1', '192.0.2.1', o)).rejects.toThrow(/outside/);
    await expect(pingInLab(lab, 'ns1', '127.0.0.1', o)).rejects.toThrow(/outside/);
  });

  it("check passes the lab's expectations, and fails a wrong one", async () => {
    const good = await checkDocument(doc, o);
    expect(good.results.map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    expect(good.ok).toBe(true);
    const bad = await checkDocument(
      {
        ...doc,
        expect: [
          { from: 'ns1', to: 'ns2', reach: false },
          { from: 'ns1', to: '10.0.0.99' },
        ],
      },
      o,
    );
    expect(bad.results.map((r) => r.status)).toEqual(['fail', 'fail']);
    expect(bad.ok).toBe(false);
  });

  it('a ping that cannot run (not installed) is an error in plain words, never "no reply" nor a passed isolation check', async () => {
    // The real runner, but every `ping` names a program this host does not have: `ip netns exec` answers as it would without iputils-ping.
    const noPing: Runner = (argv, opts) =>
      execaRunner(
        argv.map((a) => (a === 'ping' ? 'netplumb-no-such-ping' : a)),
        opts,
      );
    const w = { ...o, runner: noPing };
    await expect(pingInLab(lab, 'ns1', 'ns2', { ...w, count: 1 })).rejects.toThrow(
      /netplumb-no-such-ping|not installed/,
    );
    await expect(tracerouteInLab(lab, 'ns1', 'ns2', w)).rejects.toThrow(
      /netplumb-no-such-ping|not installed/,
    );
    const c = await checkDocument(doc, w);
    // Reach between lab nodes: nothing was sent, so nothing passed and nothing failed. The third
    // (10.0.9.9, outside the lab, must not be reached) is decided by a route lookup, never by a ping.
    expect(c.results.map((r) => r.status)).toEqual(['error', 'error', 'pass']);
    expect(c.ok).toBe(false);
    expect(c.results[0].detail).toMatch(/could not run|not installed/);
    // A must-not-reach check between lab nodes is an error too, not a pass.
    const iso = await checkDocument({ ...doc, expect: [{ from: 'ns1', to: 'ns2', reach: false }] }, w);
    expect(iso.results.map((r) => r.status)).toEqual(['error']);
  });
  it("live tables: ns1 has its address, route and a neighbour entry; the bridge learned ns1's MAC on its port", async () => {
    await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 1 });
    const t = await readTables(lab, 'ns1', o);
    expect(t.interfaces.find((i) => i.name === 'eth0')?.addresses).toContain('10.0.0.1/24');
    expect(t.interfaces.find((i) => i.name === 'eth0')!.tx.packets).toBeGreaterThan(0);
    expect(t.routes.some((r) => r.dst === '10.0.0.0/24' && r.dev === 'eth0')).toBe(true);
    expect(t.neighbours.some((n) => n.address === '10.0.0.2' && n.mac === macOf(`${p}b`, 'eth0'))).toBe(true);
    const br = await readTables(lab, 'br0', o);
    expect(br.kind).toBe('bridge');
    expect(br.interfaces.map((i) => i.name).sort()).toEqual([`${p}br`, `${p}p1`, `${p}p2`]);
    expect(br.fdb).toContainEqual(expect.objectContaining({ mac: macOf(`${p}a`, 'eth0'), port: `${p}p1` }));
    expect(br.routes).toEqual([]);
  });

  it('traceroute reaches a node on the same segment in one hop', async () => {
    const r = await tracerouteInLab(lab, 'ns1', 'ns2', o);
    expect(r.reached).toBe(true);
    expect(r.hops).toEqual([
      expect.objectContaining({ ttl: 1, address: '10.0.0.2', nodeId: 'ns2', kind: 'reply' }),
    ]);
  });

  it('link down makes the check fail; up makes it pass again (the document keeps the state)', async () => {
    const down = await setLinkState(localEngine, doc, 'l2', false, undefined, o);
    expect(down.result?.ok).toBe(true);
    expect(down.topology.links.find((l) => l.id === 'l2')!.a.up).toBe(false);
    expect((await checkDocument(down.topology, o)).results.slice(0, 2).map((r) => r.status)).toEqual([
      'fail',
      'fail',
    ]);
    const up = await setLinkState(localEngine, down.topology, 'l2', true, undefined, o);
    expect(up.result?.ok).toBe(true);
    // Only the difference ran: the two ends set up, plus the IPv6 address the kernel flushed on down; nothing re-created.
    const lines = up.result!.changes.map((c) => c.argv.join(' '));
    expect(lines).toEqual(
      expect.arrayContaining([`ip link set dev ${p}p2 up`, `ip -n ${p}b link set dev eth0 up`]),
    );
    expect(lines.filter((l) => !/ up$|address add fd00::2\/64/.test(l))).toEqual([]);
    expect((await checkDocument(up.topology, o)).ok).toBe(true);
  });

  it('captures a link to a pcap file with the ping in it', async () => {
    const dir = `${run.dir}/captures`;
    const stopped: unknown[] = [];
    const caps = new CaptureManager({ ...o, dir, onStopped: (s) => stopped.push(s) });
    const c = await caps.start(lab, 'l1', 'a');
    expect(c).toMatchObject({ iface: 'eth0', ns: `${p}a` });
    await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 2 });
    const s = await caps.stop(c.id);
    expect(s.reason).toBe('stopped');
    expect(s.packets).toBeGreaterThanOrEqual(4);
    const pcap = readFileSync(s.path);
    expect(s.bytes).toBe(pcap.length);
    // pcap magic (either byte order) and more than the 24-byte header.
    expect([0xa1b2c3d4, 0xd4c3b2a1]).toContain(pcap.readUInt32LE(0));
    expect(pcap.length).toBeGreaterThan(24 + 4 * 42);
    expect(stopped).toHaveLength(1);
    // The root-namespace port is captured too (checked by its mark).
    const c2 = await caps.start(lab, 'l1', 'b');
    expect(c2.ns).toBe('');
    await caps.stop(c2.id);
    await expect(caps.start(lab, 'nope', 'a')).rejects.toThrow(/no link/);
  });

  it('without tcpdump on the host, a capture and a step-mode trace say so in plain words', async () => {
    // A PATH with every program netplumb runs but tcpdump: `ip netns exec` then finds none, as on a host without it.
    const bin = pathWithout('tcpdump');
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      const caps = new CaptureManager({ ...o, dir: `${run.dir}/captures` });
      await expect(caps.start(lab, 'l1', 'a')).rejects.toThrow(
        'capture could not start: tcpdump is not installed on this host (Debian and Ubuntu: sudo apt install tcpdump)',
      );
      await expect(traceDocument(doc, 'ns1', 'ns2', o)).rejects.toThrow(/tcpdump is not installed/);
    } finally {
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('without sysctl (procps) on the host and without nsread, a read says which package is missing', async () => {
    const bin = pathWithout('sysctl');
    const path = process.env.PATH;
    process.env.PATH = bin;
    useNsread(false);
    try {
      await expect(
        readLive(execaRunner, { namespaces: [`${p}a`], includeRoot: false, sysctls: true }),
      ).rejects.toThrow(
        /sysctl is not installed on this host \(Debian and Ubuntu: sudo apt install procps\)/,
      );
    } finally {
      useNsread(undefined);
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('step mode: ARP request flooded by the bridge, ARP reply, echo request and reply, in order, explained', async () => {
    const r = await traceDocument(doc, 'ns1', 'ns2', o);
    expect(r.reached).toBe(true);
    const kinds = r.hops.map((h) => h.kind);
    const first = (k: (typeof kinds)[number]) => kinds.indexOf(k);
    expect(first('arp-request')).toBeGreaterThanOrEqual(0);
    expect(first('arp-request')).toBeLessThan(first('arp-reply'));
    expect(first('arp-reply')).toBeLessThan(first('echo-request'));
    expect(first('echo-request')).toBeLessThan(first('echo-reply'));
    // Timestamps are in order.
    expect(r.hops.map((h) => h.t)).toEqual([...r.hops.map((h) => h.t)].sort((a, b) => a - b));
    const req = r.hops.filter((h) => h.kind === 'arp-request');
    expect(req[0]).toMatchObject({
      nodeId: 'ns1',
      iface: 'eth0',
      direction: 'out',
      decidedBy: 'neighbour table',
    });
    expect(req[0].explanation).toMatch(/no ARP entry for 10\.0\.0\.2: it broadcasts an ARP request/);
    expect(req.some((h) => h.nodeId === 'br0' && h.direction === 'in' && /learns/.test(h.explanation))).toBe(
      true,
    );
    expect(req.some((h) => h.nodeId === 'br0' && h.direction === 'out' && /floods/.test(h.explanation))).toBe(
      true,
    );
    expect(r.hops.some((h) => h.kind === 'arp-reply' && h.nodeId === 'ns2' && h.direction === 'out')).toBe(
      true,
    );
    expect(
      r.hops.some(
        (h) =>
          h.kind === 'echo-request' &&
          h.nodeId === 'ns1' &&
          /routing table: 10\.0\.0\.2 dev eth0/.test(h.explanation),
      ),
    ).toBe(true);
    expect(
      r.hops.some(
        (h) =>
          h.kind === 'echo-request' && h.nodeId === 'br0' && h.direction === 'out' && h.decidedBy === 'FDB',
      ),
    ).toBe(true);
    expect(
      r.hops.some(
        (h) => h.kind === 'echo-reply' && h.nodeId === 'ns1' && /ping succeeded/.test(h.explanation),
      ),
    ).toBe(true);
  });

  it('link rates: traffic on a link shows up as bytes per second in the right direction', async () => {
    const rates = new RateSampler(o);
    const first = await rates.sample(lab);
    expect(first.links.map((l) => l.linkId)).toEqual(['l1', 'l2']);
    await pingInLab(lab, 'ns1', 'ns2', { ...o, count: 5 });
    const second = await rates.sample(lab);
    const l1 = second.links.find((l) => l.linkId === 'l1')!;
    expect(l1.up).toBe(true);
    // ns1 (end a of l1) sent the echo requests; the bridge port (end b) sent the replies.
    expect(l1.aToB.bytesPerSec).toBeGreaterThan(0);
    expect(l1.bToA.bytesPerSec).toBeGreaterThan(0);
    expect(second.intervalSec).toBeGreaterThan(0);
  });

  it('a terminal opens in ns1, runs ip -br addr and sees the lab address; refused elsewhere', async () => {
    const terms = new TerminalManager(o);
    let output = '';
    const exits: { code: number; reason?: string }[] = [];
    const t = await terms.open(lab, 'ns1', 120, 30, {
      output: (_id, d) => (output += d),
      exit: (_id, code, reason) => exits.push({ code, ...(reason ? { reason } : {}) }),
    });
    expect(t.ns).toBe(`${p}a`);
    terms.input(t.id, 'ip -br addr; echo DONE-$((6*7))\n');
    for (let i = 0; i < 400 && !output.includes('DONE-42'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('10.0.0.1/24');
    expect(output).not.toContain('10.0.0.2/24');
    terms.resize(t.id, 100, 40);
    terms.input(t.id, 'exit 3\n');
    for (let i = 0; i < 400 && !exits.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(exits).toEqual([{ code: 3 }]);
    await expect(terms.open(`${p}-fake`, 'x', 80, 24, { output: () => {}, exit: () => {} })).rejects.toThrow(
      /not owned/,
    );
    await expect(terms.open(lab, 'br0', 80, 24, { output: () => {}, exit: () => {} })).rejects.toThrow(
      /not a namespace/,
    );
    expect(terms.list()).toEqual([]);
  });

  it('without node-pty (not installed), a terminal still runs commands in ns2, through script, and says so', async () => {
    const missing = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'node-pty'"), { code: 'ERR_MODULE_NOT_FOUND' }),
      );
    const terms = new TerminalManager({ ...o, ptyModule: missing });
    let output = '';
    const exits: number[] = [];
    const t = await terms.open(lab, 'ns2', 80, 24, {
      output: (_id, d) => (output += d),
      exit: (_id, code) => exits.push(code),
    });
    expect(t.notice).toMatch(/^terminal without a pty: node-pty is not installed \(/);
    terms.input(t.id, 'ip -br addr; echo DONE-$((6*7))\n');
    for (let i = 0; i < 400 && !/DONE-42\r?\n/.test(output.replace('DONE-$((6*7))', '')); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('10.0.0.2/24');
    terms.input(t.id, 'exit 5\n');
    for (let i = 0; i < 400 && !exits.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(exits).toEqual([5]);
  });

  it('destroying the lab closes its terminals', async () => {
    const terms = new TerminalManager(o);
    const exits: { code: number; reason?: string }[] = [];
    await terms.open(lab, 'ns2', 80, 24, {
      output: () => {},
      exit: (_id, code, reason) => exits.push({ code, ...(reason ? { reason } : {}) }),
    });
    const ino = await netnsInode(`${p}b`);
    expect(ino).toBeDefined();
    await destroyLab(lab, o);
    // The watcher checks every second.
    for (let i = 0; i < 400 && !exits.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(exits).toHaveLength(1);
    expect(exits[0].reason).toMatch(/gone|destroyed/);
    expect(terms.list()).toEqual([]);
  });
});
