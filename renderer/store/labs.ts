/**
 * Labs as first-class objects: opening a running lab as a drawing from its
 * record (lab:open) and destroying one by name (see labs-store.ts for the
 * list and the names of new drawings).
 */
import { parseTopology } from '../../shared/model/parse';
import { getApi } from '../api';
import { editorStore } from './editor';
import { confirmDiscard } from './file-actions';
import { refreshStatus } from './lab-actions';
import { refreshLabs, useLabs } from './labs-store';
import { kernelLabName } from './prefix-store';
import { toast, useUi } from './ui-store';

/** Opens a running lab as a drawing: the document it was last applied from, with the status overlay on. */
export function openRunningLab(name: string): void {
  confirmDiscard(async () => {
    const r = await getApi()['lab:open']({ lab: name });
    if (!r.ok) return toast(`Could not open lab ${name}: ${r.error}`, 'error');
    const p = parseTopology(r.value.topology);
    if (!p.ok)
      return toast(
        `Could not open lab ${name}: its record is not a readable drawing (${p.problems[0]?.message ?? 'unknown problem'})`,
        'error',
      );
    editorStore.getState().loadTopology(p.topology, null);
    useUi.getState().set({ dialog: null });
    useLabs.getState().set({ offerDismissed: true });
    toast(
      `Opened lab ${name} as it was applied (${new Date(r.value.appliedAt).toLocaleString()}); Save keeps it as a file`,
    );
    void refreshStatus(true);
  });
}

/** Destroys a lab by name (after the caller's confirmation); returns what was removed, or null on failure. */
export async function destroyNamedLab(name: string): Promise<string[] | null> {
  const r = await getApi()['lab:destroy']({ lab: name, kernelName: true });
  if (!r.ok) {
    toast(`Could not destroy lab ${name}: ${r.error}`, 'error');
    return null;
  }
  toast(
    r.value.removed.length
      ? `Destroyed lab ${name}: removed ${r.value.removed.length} object${r.value.removed.length === 1 ? '' : 's'}`
      : `Lab ${name} had nothing left to remove`,
  );
  await refreshLabs();
  if (kernelLabName(editorStore.getState().doc.name) === name && useUi.getState().statusOn)
    void refreshStatus();
  return r.value.removed;
}
