import { beforeEach, describe, expect, it } from 'vitest';
import { setApi } from '../api';
import { createFakeApi } from '../api/fake-api';
import { editorStore } from './editor';
import { blockedReason, refreshStatus, runApply, runDestroy, runPlan } from './lab-actions';
import { useUi } from './ui-store';

function drawClassicLab() {
  const st = editorStore.getState();
  st.newDocument();
  st.addNode('namespace', { x: 0, y: 0 });
  st.addNode('namespace', { x: 200, y: 0 });
  st.addNode('bridge', { x: 100, y: 150 });
  st.connect('ns1', 'br0');
  st.connect('ns2', 'br0');
}

beforeEach(() => {
  useUi.setState({ dialog: null, statusOn: false, liveMode: false, toast: null });
  editorStore.getState().setStatus(null);
});

describe('lab actions against the fake kernel side', () => {
  it('refuses to plan or apply while the drawing has errors, saying why', async () => {
    setApi(createFakeApi());
    drawClassicLab();
    const link = editorStore.getState().doc.links[0].id;
    editorStore.getState().updateLinkEnd(link, 'a', { ifname: 'much-too-long-for-linux' });
    expect(blockedReason()).toMatch(/fix 1 error/);
    expect(await runApply()).toBe(false);
    expect(useUi.getState().toast?.text).toMatch(/Cannot apply: fix 1 error/);
    expect(useUi.getState().dialog).toBeNull();
  });

  it('plans, applies with progress, shows in sync, and destroys', async () => {
    setApi(createFakeApi());
    drawClassicLab();
    await runPlan();
    expect(useUi.getState().dialog).toBe('plan');
    const changes = useUi.getState().plan.changes;
    expect(changes.some((c) => c.argv.join(' ') === 'ip netns add ns1')).toBe(true);
    expect(await runApply()).toBe(true);
    const apply = useUi.getState().apply;
    expect(apply.result?.ok).toBe(true);
    expect(apply.steps).toHaveLength(changes.length);
    await refreshStatus(true);
    expect(useUi.getState().statusOn).toBe(true);
    expect(editorStore.getState().status).toMatchObject({ applied: true, inSync: true });
    await runDestroy();
    // The engine's words for what it removed (change targets), which the demo shares.
    expect(useUi.getState().destroy.removed?.sort()).toEqual(['br0 in the root namespace', 'ns1', 'ns2']);
    // The kernel is read back at once: nothing claims the lab is still applied.
    await refreshStatus();
    expect(editorStore.getState().status).toMatchObject({ applied: false });
    useUi.getState().set({ statusOn: false });
  });

  it("lists the kernel side's refusal (a name another lab uses) in Problems, on its node, and blocks Apply (not Plan) until it is gone", async () => {
    setApi(createFakeApi());
    drawClassicLab();
    editorStore.getState().updateLab({ name: 'first' });
    expect(await runApply()).toBe(true);
    // The same drawing as another lab: every name is the first lab's.
    editorStore.getState().loadTopology({ ...editorStore.getState().doc, name: 'second' });
    await refreshStatus(true);
    const kernel = () => editorStore.getState().problems.filter((p) => p.code === 'foreign-object');
    expect(kernel().length).toBeGreaterThan(0);
    expect(kernel().every((p) => p.severity === 'error')).toBe(true);
    expect(
      kernel().some(
        (p) => p.nodeId === 'ns1' && /belongs to another netplumb lab \("first"\)/.test(p.message),
      ),
    ).toBe(true);
    expect(blockedReason()).toMatch(/fix \d+ errors? first/i);
    expect(await runApply()).toBe(false);
    // Plan changes nothing: it still opens, and shows the refusal.
    expect(blockedReason('plan')).toBeNull();
    await runPlan();
    expect(useUi.getState().dialog).toBe('plan');
    expect(useUi.getState().plan.problems.some((p) => p.code === 'foreign-object')).toBe(true);
    useUi.getState().set({ dialog: null });
    // Read again: replaced, not piled up.
    const n = kernel().length;
    await refreshStatus();
    expect(kernel()).toHaveLength(n);
    // An edit drops them until the kernel side is asked again; the other lab gone, none come back.
    editorStore.getState().loadTopology({ ...editorStore.getState().doc, name: 'first' });
    await runDestroy();
    editorStore.getState().loadTopology({ ...editorStore.getState().doc, name: 'second' });
    editorStore.getState().validateNow();
    await refreshStatus();
    expect(kernel()).toEqual([]);
    expect(blockedReason()).toBeNull();
    useUi.getState().set({ statusOn: false });
  });

  it('drops a status answer that arrives after another drawing was opened, and reads the new one', async () => {
    setApi(createFakeApi());
    drawClassicLab();
    editorStore.getState().updateLab({ name: 'first' });
    expect(await runApply()).toBe(true);
    const pending = refreshStatus(true);
    editorStore.getState().loadTopology({ ...editorStore.getState().doc, name: 'second' });
    await pending;
    expect(editorStore.getState().status).toBeNull();
    await new Promise((r) => setTimeout(r, 10));
    await refreshStatus();
    expect(editorStore.getState().status).toMatchObject({ applied: false, doc: { name: 'second' } });
    useUi.getState().set({ statusOn: false });
  });

  it('reads the kernel again after an Apply, dropping a status answer read before it', async () => {
    const api = createFakeApi();
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    let hold = true;
    // A status read that looks at the kernel now but answers late (a slow read still on its way when Apply ends).
    setApi({
      ...api,
      'topology:status': async (req) => {
        const late = hold;
        const r = await api['topology:status'](req);
        if (late) await held;
        return r;
      },
    });
    drawClassicLab();
    editorStore.getState().updateLab({ name: 'late' });
    const before = refreshStatus(true);
    hold = false;
    expect(await runApply()).toBe(true);
    // Apply's own read is a new one: it does not wait for (or take) the answer from before the Apply.
    await refreshStatus();
    expect(editorStore.getState().status).toMatchObject({ applied: true, inSync: true });
    release();
    await before;
    expect(editorStore.getState().status).toMatchObject({ applied: true, inSync: true });
    expect(useUi.getState().statusBusy).toBe(false);
    useUi.getState().set({ statusOn: false });
  });

  it('asks before an apply that deletes objects of the running lab, and applies once confirmed', async () => {
    const api = createFakeApi();
    setApi(api);
    drawClassicLab();
    editorStore.getState().updateLab({ name: 'asks' });
    expect(await runApply()).toBe(true);
    expect(useUi.getState().apply.confirm).toBeUndefined();
    editorStore.getState().deleteNodes(['ns2']);
    expect(await runApply()).toBe(false);
    const confirm = useUi.getState().apply.confirm;
    expect(confirm?.lab).toBe('asks');
    expect(confirm?.changes.every((c) => c.action === 'delete')).toBe(true);
    expect(confirm?.changes.map((c) => c.target.name)).toContain('ns2');
    // Nothing was applied while the question is open.
    expect(
      api
        .applied()
        .get('asks')
        ?.some((o) => o.name === 'ns2'),
    ).toBe(true);
    expect(await runApply({ confirmed: true })).toBe(true);
    expect(
      api
        .applied()
        .get('asks')
        ?.some((o) => o.name === 'ns2'),
    ).toBe(false);
    expect(useUi.getState().apply.confirm).toBeUndefined();
  });

  it('reports a failed apply with the rollback', async () => {
    setApi(createFakeApi({ failAtStep: 1 }));
    drawClassicLab();
    expect(await runApply()).toBe(false);
    const apply = useUi.getState().apply;
    expect(apply.result).toMatchObject({ ok: false, rolledBack: true, failedStep: 1 });
    expect(apply.steps.some((s) => s.phase === 'rollback')).toBe(true);
  });
});
