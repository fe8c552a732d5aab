/**
 * Structured changes: for random topologies, every change of a plan (create
 * from an empty host, change to another lab, destroy) carries commands that
 * are exactly the rendering of its operation, its batch line reads back
 * through iproute2's batch reader (testing/makeargs.ts) into the same words,
 * and the subject in its data names the object its argv touches (read here,
 * in the test only, from the words themselves).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbValidTopology } from '../model/arbitraries';
import { arbRenamedDocument } from '../model/arbitraries-names';
import { validateDocument } from '../validate';
import type { Topology } from '../model';
import { batchText, fullArgv } from './argv';
import { Change } from './change';
import { addressPlaces, plan, resolve, ROOT_NS, type KState } from './index';
import { TOOL_OF, toolOf, type Subject } from './op';
import { localRoutes } from './connected';
import { renderCommand } from './render-argv';
import { readBatch } from './testing/makeargs';
import { arbTopologyWithVxlan } from './testing/vxlan-arb';

/** Every operation there is: random labs must reach each of them. */
const OP_NAMES = Object.keys(TOOL_OF);

const host = (): KState => ({
  namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, routes: [], ifaces: {} } },
});

/** The lab as if it had been applied: its own resolved state is the live one. */
const applied = (t: Topology): KState => {
  const s = resolve(t).state;
  return { namespaces: { ...host().namespaces, ...s.namespaces } };
};

/**
 * What a command touches, read from its words by position (a name may be
 * any word, "type" or "dev" included), independently of the planner.
 */
function touched(argv: readonly string[]): Subject & { removes: boolean } {
  let a = [...argv];
  let ns = ROOT_NS;
  if (a[0] === 'ip' && a[1] === 'netns' && a[2] === 'exec') {
    ns = a[3];
    a = a.slice(4);
  }
  const tool = a[0];
  a = a.slice(1);
  if (a[0] === '-n') {
    ns = a[1];
    a = a.slice(2);
  }
  /** `a[i]` must be keyword `w`; returns the word after it. */
  const at = (i: number, w: string) => {
    expect(a[i], argv.join(' ')).toBe(w);
    return a[i + 1];
  };
  if (tool === 'sysctl') {
    expect(a.slice(0, 2)).toEqual(['-q', '-w']);
    const keys = a.slice(2).map((w) => w.slice(0, w.indexOf('=')));
    return { kind: 'sysctl', namespace: ns, name: keys.join(' '), removes: false };
  }
  const [object, verb] = a;
  const removes = verb === 'delete';
  if (tool === 'bridge')
    return { kind: 'vlan', namespace: ns, name: at(2, 'vid'), dev: at(4, 'dev'), removes: false };
  if (tool === 'tc') return { kind: 'qdisc', namespace: ns, name: a[4], dev: at(2, 'dev'), removes: false };
  expect(tool).toBe('ip');
  if (object === 'netns') return { kind: 'namespace', namespace: ROOT_NS, name: a[2], removes };
  if (object === 'link' && verb === 'add') {
    const name = at(2, 'name');
    return { kind: 'link', namespace: a[4] === 'netns' ? a[5] : ns, name, removes: false };
  }
  if (object === 'link') return { kind: 'link', namespace: ns, name: at(2, 'dev'), removes };
  if (object === 'address')
    return { kind: 'address', namespace: ns, name: a[2], dev: at(3, 'dev'), removes: false };
  if (object === 'neigh' && verb === 'flush')
    return { kind: 'neighbour', namespace: ns, name: at(2, 'to'), removes: false };
  if (object === 'neigh') {
    const dev = a[a.indexOf('dev') + 1];
    return { kind: 'neighbour', namespace: ns, name: a[2], dev, removes: false };
  }
  if (object === 'rule') {
    const pref = at(2, 'pref');
    const rest = a.slice(4);
    const words = rest[rest.length - 2] === 'protocol' ? rest.slice(0, -2) : rest;
    return { kind: 'rule', namespace: ns, name: `${pref}: ${words.join(' ') || 'from all'}`, removes: false };
  }
  expect(object).toBe('route');
  // A route of another table: [type] destination table T, then pairs (tos, via, dev, metric, proto, scope, src).
  const t = a.indexOf('table');
  if (t > 2) {
    let dev: string | undefined;
    for (let i = t; i < a.length; i += 2) if (a[i] === 'dev') dev = a[i + 1];
    return {
      kind: 'route',
      namespace: ns,
      name: a[t - 1],
      ...(dev !== undefined ? { dev } : {}),
      removes: false,
    };
  }
  let dev: string | undefined;
  for (let i = 3; i < a.length; i += 2) if (a[i] === 'dev') dev = a[i + 1];
  return { kind: 'route', namespace: ns, name: a[2], ...(dev !== undefined ? { dev } : {}), removes: false };
}

/** Checks one plan's changes; returns how many commands were read back. */
function check(changes: readonly Change[]): number {
  let n = 0;
  for (const c of changes) {
    // A change is what the IPC contract's schema accepts, unchanged.
    expect(Change.parse(c)).toEqual(c);
    // The commands are the rendering of the data, nothing else.
    const run = renderCommand(c.op, c.ns);
    expect(c.argv).toEqual(run.argv);
    expect(c.batch).toEqual(run.batch);
    if (c.undoOp) {
      const undo = renderCommand(c.undoOp, c.undoNs ?? c.ns);
      expect([c.undo, c.undoBatch]).toEqual([undo.argv, undo.batch]);
    } else expect(c.undo).toBeUndefined();
    for (const [line, argv, ns, op] of [
      [c.batch, c.argv, c.ns, c.op],
      [c.undoBatch, c.undo, c.undoNs ?? c.ns, c.undoOp],
    ] as const) {
      if (!line || !argv || !op) continue;
      n++;
      const read = readBatch(batchText([line]));
      expect(read.error).toBeUndefined();
      expect(read.commands.map((x) => x.argv)).toEqual([line]);
      expect(argv).toEqual(fullArgv(toolOf(op), ns, line));
    }
    // The subject names what the argv touches; `deletes` is set exactly when it removes it.
    const { removes, ...t } = touched(c.argv);
    expect(c.subject, c.argv.join(' ')).toEqual(t);
    expect(c.deletes, c.argv.join(' ')).toEqual(removes ? c.subject : undefined);
    if (c.action === 'delete') expect(c.deletes).toBeDefined();
    // An undo touches the same object (for a new veth pair: either of its ends).
    if (c.undo && c.op.op !== 'veth-add') {
      const { removes: _r, ...u } = touched(c.undo);
      expect(u, c.undo.join(' ')).toEqual(c.subject);
    } else if (c.undo && c.op.op === 'veth-add') {
      const u = touched(c.undo);
      const ends = [c.op.a, c.op.b].map((e) => ({ kind: 'link', namespace: e.netns, name: e.name }));
      expect(ends).toContainEqual({ kind: u.kind, namespace: u.namespace, name: u.name });
    }
  }
  return n;
}

/** `t` without addresses, routes, gateways and netem (nothing that needs them stays either). */
function stripped(t: Topology): Topology {
  const end = <E extends { addresses: string[]; netem?: unknown }>({ netem: _n, ...e }: E) => ({
    ...e,
    addresses: [],
  });
  return {
    ...t,
    nodes: t.nodes.map((n) => {
      const { gateway: _g, ...rest } = n as typeof n & { gateway?: unknown };
      return {
        ...rest,
        ...('routes' in n ? { routes: [] } : {}),
        ...('addresses' in n ? { addresses: [] } : {}),
      } as typeof n;
    }),
    links: t.links.map((l) => ({ ...l, a: end(l.a), b: end(l.b) })),
    expect: [],
  };
}

function checkPlans(a: Topology, b: Topology | undefined): number {
  const created = plan(resolve(a), host());
  expect(created.conflicts).toEqual([]);
  let n = check(created.changes);
  if (b) {
    // With a's record: addresses b puts on new or other interfaces are forgotten by the other namespaces.
    const changed = plan(resolve(b), applied(a), {
      previousAddresses: () => addressPlaces(resolve(a).state),
    });
    if (!changed.conflicts.length) n += check(changed.changes);
  }
  // The same lab without addresses, routes, gateways and netem: deletions inside namespaces that stay.
  const bare = plan(resolve(stripped(a)), applied(a));
  expect(bare.conflicts).toEqual([]);
  n += check(bare.changes);
  // A namespace with addresses deleted by hand: made again, the others forget its old MAC addresses.
  const remade = plan(resolve(a), withoutAddressedNs(a), {
    previousAddresses: () => addressPlaces(resolve(a).state),
  });
  expect(remade.conflicts).toEqual([]);
  n += check(remade.changes);
  // Made by hand in the lab's namespaces: rules, a lost kernel rule, neighbour entries, ARP off, port flags.
  const fixed = plan(resolve(a), handMade(a));
  expect(fixed.conflicts).toEqual([]);
  n += check(fixed.changes);
  const destroyed = plan(resolve({ ...a, nodes: [], links: [], expect: [] }), applied(a));
  expect(destroyed.conflicts).toEqual([]);
  return n + check(destroyed.changes);
}

/** `a` applied, then changed by hand in each namespace: what a file never has (see plan-rules.ts, planHandMade). */
function handMade(a: Topology): KState {
  const s = structuredClone(applied(a));
  for (const n of Object.values(s.namespaces)) {
    if (n.name === ROOT_NS) continue;
    n.rules = [{ pref: 100, words: ['to', '10.0.0.2', 'prohibit'] }];
    n.lostRules = [{ pref: 32766, words: ['table', 'main'], proto: 'kernel' }];
    n.tableRoutes = [
      {
        family: 4,
        words: ['local', '10.0.0.2', 'table', 'local', 'dev', 'lo', 'proto', 'boot'],
        extra: ['scope', 'host'],
        dev: 'lo',
      },
      { family: 6, words: ['::/0', 'table', '100', 'metric', '1024', 'proto', 'static'] },
    ];
    for (const i of Object.values(n.ifaces)) {
      if (i.kind === 'loopback') continue;
      n.lostLocal = [...(n.lostLocal ?? []), ...localRoutes(i)];
      n.neighs = [...(n.neighs ?? []), { addr: '10.0.0.99', dev: i.name, lladdr: '02:de:ad:00:00:01' }];
      i.arpOff = true;
      if (i.master) i.portFlags = { isolated: true };
      i.sysctls = { [`net.ipv4.conf.${i.name.replaceAll('.', '/')}.forwarding`]: { have: '0', want: '1' } };
    }
  }
  return s;
}

/** `a` applied, then its first namespace that holds an address deleted by hand (its veth ends die with it). */
function withoutAddressedNs(a: Topology): KState {
  const s = structuredClone(applied(a));
  const gone = Object.entries(resolve(a).state.namespaces).find(
    ([ns, n]) => ns !== ROOT_NS && Object.values(n.ifaces).some((i) => i.addresses.length > 0),
  )?.[0];
  if (gone === undefined) return s;
  delete s.namespaces[gone];
  for (const n of Object.values(s.namespaces))
    for (const [name, i] of Object.entries(n.ifaces)) if (i.peer?.ns === gone) delete n.ifaces[name];
  return s;
}

const accepted = (doc: unknown): Topology | undefined => {
  const r = validateDocument(doc);
  return r.topology && !r.problems.some((p) => p.severity === 'error') ? r.topology : undefined;
};

describe('structured changes render to the commands they show', () => {
  it('random labs (with VLANs, netem and VXLAN links): every command is its data, reads back, and names its subject', () => {
    let lines = 0;
    const ops = new Set<string>();
    fc.assert(
      fc.property(arbTopologyWithVxlan({ netem: true }), arbValidTopology({ netem: true }), (a, b) => {
        lines += checkPlans(a, { ...b, name: a.name });
        for (const t of [{ ...b, name: a.name }, stripped(a)])
          for (const c of plan(resolve(t), applied(a), {
            previousAddresses: () => addressPlaces(resolve(a).state),
          }).changes)
            ops.add(c.op.op);
        for (const c of plan(resolve(a), host()).changes) ops.add(c.op.op);
        const prev = { previousAddresses: () => addressPlaces(resolve(a).state) };
        for (const c of plan(resolve(a), withoutAddressedNs(a), prev).changes) ops.add(c.op.op);
        for (const c of plan(resolve(a), handMade(a)).changes) {
          ops.add(c.op.op);
          if (c.undoOp) ops.add(c.undoOp.op);
        }
      }),
      { numRuns: 150 },
    );
    expect(lines).toBeGreaterThan(1000);
    // The runs reach every operation: deletions and modifications, not only creation.
    expect([...ops].sort()).toEqual([...OP_NAMES].sort());
  });

  it('tricky names (quotes, blanks, names that are keywords): the same', () => {
    fc.assert(
      fc.property(arbRenamedDocument('tricky', { maxNodes: 5 }), (doc) => {
        const a = accepted(doc);
        if (a) checkPlans(a, undefined);
      }),
      { numRuns: 100 },
    );
  });
});
