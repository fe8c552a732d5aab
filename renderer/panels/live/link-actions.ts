/**
 * Live edits of one link of the applied lab: down/up (lab:link-state) and
 * netem (lab:netem), kept in the document the kernel side sends back; and
 * packet captures (lab:capture-start/stop, capture:stopped).
 */
import { getApi } from '../../api';
import type { Response } from '../../../shared/ipc/contract';
import { parseTopology, type Link, type Netem } from '../../../shared/model';
import { editorStore } from '../../store/editor';
import { toast } from '../../store/ui-store';
import { create } from 'zustand';

type EditResponse = Response<'lab:link-state'>;

/**
 * Copies the changed link's ends from the returned document into the store,
 * only when the kernel side applied the change (a refused or failed change
 * must not make the file claim something the kernel does not have).
 */
function keep(linkId: string, r: EditResponse): boolean {
  const err = r.problems.find((p) => p.severity === 'error');
  if (err) {
    toast(`The kernel side refused: ${err.message}`, 'error');
    return false;
  }
  if (r.result && !r.result.ok) {
    toast(
      `Applying the change failed: ${r.result.error ?? 'unknown error'}${r.result.rolledBack ? ' (rolled back)' : ''}`,
      'error',
    );
    return false;
  }
  const parsed = parseTopology(r.topology);
  const link: Link | undefined = parsed.ok ? parsed.topology.links.find((l) => l.id === linkId) : undefined;
  if (!link) return false;
  for (const end of ['a', 'b'] as const)
    editorStore.getState().updateLinkEnd(linkId, end, { up: link[end].up, netem: link[end].netem });
  return true;
}

/** Sets a link (or one end) down or up, live. */
export async function setLinkState(linkId: string, up: boolean, end?: 'a' | 'b'): Promise<void> {
  const r = await getApi()['lab:link-state']({ topology: editorStore.getState().doc, linkId, end, up });
  if (!r.ok) return toast(`Could not set the link ${up ? 'up' : 'down'}: ${r.error}`, 'error');
  if (keep(linkId, r.value)) toast(`Link ${up ? 'up' : 'down'}`);
}

/** Replaces netem on one end, live (null removes it). */
export async function setNetem(linkId: string, end: 'a' | 'b', netem: Netem | null): Promise<boolean> {
  const r = await getApi()['lab:netem']({ topology: editorStore.getState().doc, linkId, end, netem });
  if (!r.ok) {
    toast(`Could not change the link emulation: ${r.error}`, 'error');
    return false;
  }
  return keep(linkId, r.value);
}

export type CaptureInfo = Response<'lab:capture-start'>;
export type CaptureStopped = Response<'lab:capture-stop'>;

/** Running and finished captures, by link. */
export const useCaptures = create<{
  running: Record<string, CaptureInfo>;
  done: Record<string, CaptureStopped>;
}>()(() => ({ running: {}, done: {} }));

/** The API object the event listeners are on (wired again if the API is replaced, e.g. in tests). */
let wired: unknown = null;
function wire() {
  if (wired === getApi()) return;
  wired = getApi();
  getApi().on('capture:stopped', (c) => {
    const s = useCaptures.getState();
    const running = { ...s.running };
    delete running[c.linkId];
    useCaptures.setState({ running, done: { ...s.done, [c.linkId]: c } });
    if (c.reason !== 'stopped')
      toast(
        `Capture on ${c.iface} ended (${c.reason}${c.message ? `: ${c.message}` : ''}); saved to ${c.path}`,
        c.reason === 'failed' ? 'error' : 'info',
      );
  });
}

/** Starts capturing on one end of a link. */
export async function startCapture(lab: string, linkId: string, end: 'a' | 'b'): Promise<void> {
  wire();
  const r = await getApi()['lab:capture-start']({ lab, linkId, end });
  if (!r.ok) return toast(`Could not start the capture: ${r.error}`, 'error');
  useCaptures.setState((s) => ({ running: { ...s.running, [linkId]: r.value } }));
  toast(`Capturing on ${r.value.iface} into ${r.value.path}`);
}

/** Stops the capture running on a link. */
export async function stopCapture(linkId: string): Promise<void> {
  const c = useCaptures.getState().running[linkId];
  if (!c) return;
  const r = await getApi()['lab:capture-stop']({ id: c.id });
  if (!r.ok) return toast(`Could not stop the capture: ${r.error}`, 'error');
  const s = useCaptures.getState();
  const running = { ...s.running };
  delete running[linkId];
  useCaptures.setState({ running, done: { ...s.done, [linkId]: r.value } });
  toast(`Saved ${r.value.packets ?? '?'} packets (${r.value.bytes} bytes) to ${r.value.path}`);
}
