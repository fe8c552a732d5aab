/**
 * An in-memory API with the contract's shape, for tests and for trying the page
 * without a kernel side (`?fake=1`). Its kernel side is the engine's flow run
 * on a simulated kernel (./demo-kernel.ts): the same validator, the same
 * planner, the same drift, so what the demo plans is what the engine would.
 * "Applying" runs the plan on the model with progress events. Nothing here
 * touches a kernel.
 */
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
import type { Change } from '../../shared/plan/change';
import { markLab } from '../../shared/plan/kstate';
import { createDemoKernel, labObjects, type DemoKernel } from './demo-kernel';
import { createListeners } from './listeners';

export interface FakeApiOptions {
  mode?: 'browser' | 'electron';
  /** Make apply fail at this step (0-based) and roll back. */
  failAtStep?: number;
  /** Delay between apply steps (ms), so progress can be seen. */
  stepDelayMs?: number;
  notice?: string;
  missing?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fake API, plus views of its simulated kernel for tests. */
export type FakeApi = NetplumbApi & {
  /** Per lab, what the simulated kernel holds with the lab's mark. */
  applied(): Map<string, { kind: string; name: string; ns: string }[]>;
  /** The demo's kernel side (simulated kernel, records). */
  demo: DemoKernel;
};

/** Creates the fake API on a fresh, empty simulated host. */
export function createFakeApi(opts: FakeApiOptions = {}): FakeApi {
  const listeners = createListeners();
  const demo = createDemoKernel();
  const emit = <E extends EventName>(e: E, p: EventPayload<E>) => listeners.emit(e, p);
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const applied = () => {
    const labs = new Set(demo.records.keys());
    for (const n of Object.values(demo.state().namespaces)) {
      const lab = markLab(n.mark);
      if (lab) labs.add(lab);
    }
    return new Map([...labs].map((lab) => [lab, labObjects(demo.state(), lab)]));
  };
  /** A failed apply: progress back down through the steps made, and nothing kept (the engine's rollback). */
  const failed = (lab: string, changes: Change[], i: number, error: string, start: number) => {
    for (let j = i - 1; j >= 0; j--)
      emit('apply:progress', {
        lab,
        done: i - j,
        total: i,
        current: changes[j].target.name,
        phase: 'rollback',
      });
    return {
      ok: false,
      lab,
      steps: changes.length,
      changes,
      error: `Step ${i + 1} of ${changes.length} failed: ${changes[i].argv.join(' ')}: ${error}. Every change made before it was rolled back; the host is as it was.`,
      failedStep: i,
      rolledBack: true,
      durationMs: Date.now() - start,
    };
  };

  // Channels the demo does not do (live lab tools, terminals...) answer with a plain-words refusal.
  const handlers: { [C in Channel]?: (req: Request<C>) => Promise<Result<Response<C>>> } = {
    'app:info': async () =>
      ok({
        mode: opts.mode ?? 'browser',
        version: '0.0.0-fake',
        privilege: 'none',
        notice: opts.notice ?? 'Demo mode: a simulated kernel side; nothing is applied to this machine.',
        capabilities: { netem: false },
        missing: opts.missing ?? [],
      }),
    'topology:validate': async (req) => ok({ problems: demo.check(req.topology).problems }),
    'topology:plan': async (req) => {
      const { problems, topology } = demo.check(req.topology);
      if (!topology) return ok({ problems, changes: [] });
      const r = demo.plan(topology);
      return ok({ problems: [...problems, ...r.conflicts], changes: r.conflicts.length ? [] : r.changes });
    },
    'topology:apply': async (req) => {
      const { problems, topology } = demo.check(req.topology);
      if (!topology) return ok({ problems });
      const lab = topology.name;
      const start = Date.now();
      const r = demo.plan(topology);
      if (r.conflicts.length) return ok({ problems: [...problems, ...r.conflicts] });
      const changes = r.changes;
      for (let i = 0; i < changes.length; i++) {
        if (opts.stepDelayMs) await sleep(opts.stepDelayMs);
        if (opts.failAtStep === i)
          return ok({
            problems,
            result: failed(lab, changes, i, 'RTNETLINK answers: File exists (demo failure)', start),
          });
        emit('apply:progress', {
          lab,
          done: i + 1,
          total: changes.length,
          current: changes[i].target.name,
          phase: 'apply',
        });
      }
      const run = demo.run(changes);
      if (!run.ok) return ok({ problems, result: failed(lab, changes, run.failedStep, run.error, start) });
      demo.record(topology);
      return ok({
        problems,
        result: { ok: true, lab, steps: changes.length, changes, durationMs: Date.now() - start },
      });
    },
    'topology:status': async (req) => {
      const { problems, topology } = demo.check(req.topology);
      if (!topology) return ok({ problems, inSync: false, applied: false, drift: [] });
      const { conflicts, ...st } = demo.status(topology);
      return ok({ problems: [...problems, ...conflicts], ...st });
    },
    'lab:destroy': async (req) => {
      const r = demo.destroyPlan(req.lab);
      const run = demo.run(r.changes);
      if (!run.ok) return { ok: false, error: `Destroying lab "${req.lab}" stopped: ${run.error}` };
      demo.records.delete(req.lab);
      return ok({ removed: r.changes.map((c) => c.target.name) });
    },
    'lab:list': async () =>
      ok({
        labs: [...demo.records.entries()].map(([name, rec]) => ({
          name,
          state: rec.namespaces.every((n) => demo.state().namespaces[n])
            ? ('applied' as const)
            : ('partial' as const),
          namespaces: rec.namespaces,
          appliedAt: rec.appliedAt,
        })),
      }),
    'lab:open': async (req) => {
      const rec = demo.records.get(req.lab);
      return rec
        ? ok({ lab: req.lab, topology: rec.topology, appliedAt: rec.appliedAt })
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
    on: listeners.on,
    applied,
    demo,
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
  return api as unknown as FakeApi;
}
