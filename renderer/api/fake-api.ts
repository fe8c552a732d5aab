/**
 * An in-memory API with the contract's shape, for tests and for trying the page
 * without a kernel side (`?fake=1`). It validates with the same shared code as
 * the real side, plans a simplified list of changes (the real planner lives on
 * the kernel side), "applies" with progress events, and reports status against
 * what it applied. Nothing here touches a kernel.
 */
import type { Change, DriftItem } from '../../shared/plan/change';
import {
  contract,
  type Channel,
  type EventName,
  type EventPayload,
  type NetplumbApi,
  type Request,
  type Response,
  type Result,
} from '../../shared/ipc/contract';
import { parseTopology, type Topology } from '../../shared/model';
import { validateTopology } from '../store/validate-doc';

export interface FakeApiOptions {
  mode?: 'browser' | 'electron';
  /** Make apply fail at this step (0-based) and roll back. */
  failAtStep?: number;
  /** Delay between apply steps (ms), so progress can be seen. */
  stepDelayMs?: number;
  notice?: string;
  missing?: string[];
}

type Obj = {
  key: string;
  change: Omit<Change, 'step'>;
  nodeId?: string;
  linkId?: string;
  kind: string;
  name: string;
};

/** The objects a (parsed) topology asks for, as fake changes. */
function objectsOf(t: Topology): Obj[] {
  const out: Obj[] = [];
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const nsOf = (id: string): string => {
    const n = byId.get(id);
    if (!n) return '';
    if (n.kind === 'namespace' || n.kind === 'router') return n.name;
    if (n.kind === 'bridge' && n.namespace) return byId.get(n.namespace)?.name ?? '';
    return '';
  };
  const ipArgs = (ns: string, ...rest: string[]) => (ns ? ['ip', '-n', ns, ...rest] : ['ip', ...rest]);
  for (const n of t.nodes) {
    if (n.kind === 'namespace' || n.kind === 'router') {
      out.push({
        key: `ns:${n.name}`,
        nodeId: n.id,
        kind: 'namespace',
        name: n.name,
        change: {
          action: 'create',
          ns: '',
          argv: ['ip', 'netns', 'add', n.name],
          reason: `${n.kind} ${n.name} is in the file`,
          target: { kind: 'namespace', name: n.name, nodeId: n.id },
          undo: ['ip', 'netns', 'delete', n.name],
        },
      });
    } else if (n.kind === 'bridge') {
      const ns = nsOf(n.id);
      out.push({
        key: `br:${ns}:${n.name}:${n.stp}:${n.vlanFiltering}`,
        nodeId: n.id,
        kind: 'bridge',
        name: n.name,
        change: {
          action: 'create',
          ns,
          argv: ipArgs(ns, 'link', 'add', n.name, 'type', 'bridge', 'stp_state', n.stp ? '1' : '0'),
          reason: `bridge ${n.name} is in the file`,
          target: { kind: 'bridge', name: n.name, nodeId: n.id },
          undo: ipArgs(ns, 'link', 'delete', n.name),
        },
      });
    }
  }
  for (const l of t.links) {
    const na = nsOf(l.a.node);
    const nb = nsOf(l.b.node);
    const name = `${l.a.ifname} in ${na || 'root'} <-> ${l.b.ifname} in ${nb || 'root'}`;
    out.push({
      key: `link:${l.id}:${na}:${l.a.ifname}:${nb}:${l.b.ifname}`,
      linkId: l.id,
      kind: 'link',
      name,
      change: {
        action: 'create',
        ns: na,
        argv: [
          ...ipArgs(na, 'link', 'add', l.a.ifname, 'type', 'veth', 'peer', 'name', l.b.ifname),
          ...(nb ? ['netns', nb] : []),
        ],
        reason: `link ${l.id} is in the file`,
        target: { kind: 'link', name, linkId: l.id },
        undo: ipArgs(na, 'link', 'delete', l.a.ifname),
      },
    });
    for (const [end, ns] of [
      [l.a, na],
      [l.b, nb],
    ] as const) {
      for (const addr of end.addresses) {
        const an = `${addr} on ${end.ifname} in ${ns || 'root'}`;
        out.push({
          key: `addr:${ns}:${end.ifname}:${addr}`,
          linkId: l.id,
          kind: 'address',
          name: an,
          change: {
            action: 'create',
            ns,
            argv: ipArgs(ns, 'address', 'add', addr, 'dev', end.ifname),
            reason: `${end.ifname} should have ${addr}`,
            target: { kind: 'address', name: an, linkId: l.id },
            undo: ipArgs(ns, 'address', 'delete', addr, 'dev', end.ifname),
          },
        });
      }
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the fake API. `applied()` exposes what it "applied", for tests. */
export function createFakeApi(opts: FakeApiOptions = {}): NetplumbApi & { applied(): Map<string, Obj[]> } {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const applied = new Map<string, Obj[]>(); // lab name -> objects
  const records = new Map<string, { topology: Topology; appliedAt: string }>(); // lab name -> what was applied
  const emit = <E extends EventName>(e: E, p: EventPayload<E>) => listeners.get(e)?.forEach((l) => l(p));
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });

  const parse = (doc: unknown): { problems: ReturnType<typeof validateTopology>; topology?: Topology } => {
    const problems = validateTopology(doc);
    const p = parseTopology(doc);
    return {
      problems,
      topology: p.ok && !problems.some((x) => x.severity === 'error') ? p.topology : undefined,
    };
  };
  const diff = (t: Topology): Change[] => {
    const want = objectsOf(t);
    const have = applied.get(t.name) ?? [];
    const haveKeys = new Set(have.map((o) => o.key));
    const wantKeys = new Set(want.map((o) => o.key));
    const del = have
      .filter((o) => !wantKeys.has(o.key))
      .reverse()
      .map((o) => ({
        ...o.change,
        action: 'delete' as const,
        argv: o.change.undo ?? [],
        undo: o.change.argv,
        reason: `${o.name} is no longer in the file`,
      }));
    const add = want.filter((o) => !haveKeys.has(o.key)).map((o) => o.change);
    return [...del, ...add].map((c, step) => ({ ...c, step }));
  };

  // Channels the demo does not do (live lab tools, terminals...) answer with a plain-words refusal.
  const handlers: { [C in Channel]?: (req: Request<C>) => Promise<Result<Response<C>>> } = {
    'app:info': async () =>
      ok({
        mode: opts.mode ?? 'browser',
        version: '0.0.0-fake',
        privilege: 'none',
        notice: opts.notice ?? 'Demo mode: a fake kernel side; nothing is applied to this machine.',
        capabilities: { netem: false },
        missing: opts.missing ?? [],
      }),
    'topology:validate': async (req) => ok({ problems: parse(req.topology).problems }),
    'topology:plan': async (req) => {
      const { problems, topology } = parse(req.topology);
      return ok({ problems, changes: topology ? diff(topology) : [] });
    },
    'topology:apply': async (req) => {
      const { problems, topology } = parse(req.topology);
      if (!topology) return ok({ problems });
      const start = Date.now();
      const changes = diff(topology);
      for (let i = 0; i < changes.length; i++) {
        if (opts.stepDelayMs) await sleep(opts.stepDelayMs);
        if (opts.failAtStep === i) {
          for (let j = i - 1; j >= 0; j--)
            emit('apply:progress', {
              lab: topology.name,
              done: i - j,
              total: i,
              current: changes[j].target.name,
              phase: 'rollback',
            });
          return ok({
            problems,
            result: {
              ok: false,
              lab: topology.name,
              steps: i,
              changes,
              error: `step ${i + 1} failed: ${changes[i].argv.join(' ')}: RTNETLINK answers: File exists (fake failure)`,
              failedStep: i,
              rolledBack: true,
              durationMs: Date.now() - start,
            },
          });
        }
        emit('apply:progress', {
          lab: topology.name,
          done: i + 1,
          total: changes.length,
          current: changes[i].target.name,
          phase: 'apply',
        });
      }
      applied.set(topology.name, objectsOf(topology));
      records.set(topology.name, { topology, appliedAt: new Date().toISOString() });
      return ok({
        problems,
        result: {
          ok: true,
          lab: topology.name,
          steps: changes.length,
          changes,
          durationMs: Date.now() - start,
        },
      });
    },
    'topology:status': async (req) => {
      const { problems, topology } = parse(req.topology);
      if (!topology) return ok({ problems, inSync: false, applied: false, drift: [] });
      const have = applied.get(topology.name);
      if (!have) return ok({ problems, inSync: false, applied: false, drift: [] });
      const haveKeys = new Set(have.map((o) => o.key));
      const want = objectsOf(topology);
      const wantKeys = new Set(want.map((o) => o.key));
      const drift: DriftItem[] = [
        ...want
          .filter((o) => !haveKeys.has(o.key))
          .map((o) => ({
            state: 'missing' as const,
            kind: o.kind,
            name: o.name,
            nodeId: o.nodeId,
            linkId: o.linkId,
            detail: `${o.name} is in the file but not in the kernel`,
          })),
        ...have
          .filter((o) => !wantKeys.has(o.key))
          .map((o) => ({
            state: 'extra' as const,
            kind: o.kind,
            name: o.name,
            nodeId: o.nodeId,
            linkId: o.linkId,
            detail: `${o.name} is in the kernel but not in the file`,
          })),
      ];
      return ok({ problems, inSync: drift.length === 0, applied: true, drift });
    },
    'lab:destroy': async (req) => {
      const have = applied.get(req.lab) ?? [];
      applied.delete(req.lab);
      records.delete(req.lab);
      return ok({
        removed: have.filter((o) => o.kind === 'namespace' || o.kind === 'bridge').map((o) => o.name),
      });
    },
    'lab:list': async () =>
      ok({
        labs: [...applied.entries()].map(([name, objs]) => ({
          name,
          state: 'applied' as const,
          namespaces: objs.filter((o) => o.kind === 'namespace').map((o) => o.name),
        })),
      }),
    'lab:open': async (req) => {
      const rec = records.get(req.lab);
      return rec
        ? ok({ lab: req.lab, ...rec })
        : { ok: false, error: `there is no record of a lab called "${req.lab}" on this host` };
    },
    'examples:list': async () =>
      ok({ examples: [{ id: 'two-namespaces', title: 'Two namespaces on a bridge' }] }),
    'examples:get': async (req) =>
      req.id === 'two-namespaces'
        ? ok({
            fileName: 'two-namespaces.yaml',
            text: 'version: 1\nname: two\nnodes:\n  - {id: ns1, name: ns1, kind: namespace, position: {x: 0, y: 200}}\n  - {id: ns2, name: ns2, kind: namespace, position: {x: 240, y: 200}}\n  - {id: br0, name: br0, kind: bridge, position: {x: 120, y: 0}}\nlinks:\n  - {id: l1, a: {node: ns1, ifname: eth0, addresses: [10.0.0.1/24]}, b: {node: br0, ifname: br0-p1}}\n  - {id: l2, a: {node: ns2, ifname: eth0, addresses: [10.0.0.2/24]}, b: {node: br0, ifname: br0-p2}}\n',
          })
        : { ok: false, error: `there is no example called ${req.id}` },
    'document:state': async () => ok({}),
    'file:open': async () => ({
      ok: false,
      error: 'opening files through the app is only available in the desktop app',
    }),
    'file:save': async () => ({
      ok: false,
      error: 'saving files through the app is only available in the desktop app',
    }),
  };

  const api = {
    on(event: EventName, listener: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set!.delete(listener);
    },
    applied: () => applied,
  } as Record<string, unknown>;
  for (const ch of Object.keys(contract) as Channel[]) {
    // Requests go through the contract's schema exactly as on the real side.
    api[ch] = async (req: unknown) => {
      const parsed = contract[ch].request.safeParse(req);
      if (!parsed.success) return { ok: false, error: `bad request for ${ch}` };
      const h = handlers[ch] as ((r: unknown) => Promise<unknown>) | undefined;
      if (!h) return { ok: false, error: `the demo kernel side cannot do ${ch}` };
      return h(parsed.data);
    };
  }
  return api as unknown as NetplumbApi & { applied(): Map<string, Obj[]> };
}
