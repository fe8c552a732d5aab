import { describe, expect, it } from 'vitest';
import { createEditorStore } from '../store/store';
import { createFakeApi } from './fake-api';

function lab() {
  const s = createEditorStore();
  const st = s.getState();
  st.addNode('namespace', { x: 0, y: 0 });
  st.addNode('namespace', { x: 0, y: 0 });
  st.addNode('bridge', { x: 0, y: 0 });
  st.connect('ns1', 'br0');
  st.connect('ns2', 'br0');
  return s.getState().doc;
}

describe('fake api', () => {
  it('plans, applies with progress, then reports in sync and plans nothing more', async () => {
    const api = createFakeApi();
    const doc = lab();
    const plan = await api['topology:plan']({ topology: doc });
    expect(plan.ok && plan.value.changes.length).toBeGreaterThan(0);
    const progress: number[] = [];
    api.on('apply:progress', (p) => progress.push(p.done));
    const r = await api['topology:apply']({ topology: doc });
    expect(r.ok && r.value.result?.ok).toBe(true);
    expect(progress.length).toBe(plan.ok ? plan.value.changes.length : -1);
    const st = await api['topology:status']({ topology: doc });
    expect(st.ok && st.value.inSync).toBe(true);
    const again = await api['topology:plan']({ topology: doc });
    expect(again.ok && again.value.changes).toEqual([]);
    const d = await api['lab:destroy']({ lab: doc.name });
    // The engine's words for what it removed (change targets), which the demo now shares.
    expect(d.ok && d.value.removed.sort()).toEqual(['br0 in the root namespace', 'ns1', 'ns2']);
  });

  it('fails at the chosen step and says it rolled back', async () => {
    const api = createFakeApi({ failAtStep: 1 });
    const r = await api['topology:apply']({ topology: lab() });
    expect(r.ok && r.value.result).toMatchObject({ ok: false, rolledBack: true, failedStep: 1 });
  });
});
