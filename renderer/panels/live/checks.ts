/** Run checks: the document's expectations against its applied lab (lab:check). */
import { getApi } from '../../api';
import { editorStore } from '../../store/editor';
import { toast } from '../../store/ui-store';
import { showTab, useLive } from './live-store';

/** Runs every expectation of the document and shows the results (panel and node badges). */
export async function runChecks(): Promise<void> {
  const doc = editorStore.getState().doc;
  if (!doc.expect.length)
    return toast('This lab has no expectations to check (add `expect:` lines to the file)', 'error');
  const live = useLive.getState();
  live.set({ checksRunning: true, checksError: undefined });
  showTab('checks');
  const r = await getApi()['lab:check']({ topology: doc });
  if (!r.ok) return useLive.getState().set({ checksRunning: false, checksError: r.error, checks: null });
  useLive.getState().set({ checksRunning: false, checks: r.value });
  toast(
    r.value.ok
      ? `All ${r.value.passed} checks pass`
      : `${r.value.failed + r.value.errors} of ${r.value.results.length} checks fail`,
    r.value.ok ? 'info' : 'error',
  );
}

/** Badge for a node: how its expectations (as the source) did in the last run. */
export function nodeCheckBadge(
  nodeId: string,
  checks: ReturnType<typeof useLive.getState>['checks'],
): { pass: number; fail: number } | null {
  if (!checks) return null;
  const doc = editorStore.getState().doc;
  let pass = 0;
  let fail = 0;
  for (const c of checks.results) {
    const from = doc.expect[c.index]?.from ?? c.from;
    if (from !== nodeId) continue;
    if (c.status === 'pass') pass++;
    else fail++;
  }
  return pass + fail ? { pass, fail } : null;
}
