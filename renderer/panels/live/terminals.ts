/**
 * Terminal sessions: term:open/input/resize/close through renderer/api, and
 * the term:output / term:exit events routed to the tab that owns each id.
 * The kernel side decides which namespaces may get a shell (only the lab's
 * own); the page only names a lab and a node id.
 */
import { getApi } from '../../api';
import { toast } from '../../store/ui-store';
import { showTab, useLive } from './live-store';

type Sink = { write(data: string): void };
const sinks = new Map<string, Sink>();
/** Output that arrived before its tab's terminal was mounted. */
const early = new Map<string, string[]>();
/** The API object the event listeners are on (wired again if the API is replaced, e.g. in tests). */
let wired: unknown = null;

function wire() {
  if (wired === getApi()) return;
  wired = getApi();
  const api = getApi();
  api.on('term:output', ({ id, data }) => {
    const s = sinks.get(id);
    if (s) s.write(data);
    else if (useLive.getState().terms.some((t) => t.id === id))
      early.set(id, [...(early.get(id) ?? []), data]);
  });
  api.on('term:exit', ({ id, code, reason }) => {
    const st = useLive.getState();
    const text = reason ?? `shell exited (code ${code})`;
    sinks.get(id)?.write(`\r\n\x1b[2m[${text}]\x1b[0m\r\n`);
    st.set({ terms: st.terms.map((t) => (t.id === id ? { ...t, exited: text } : t)) });
  });
}

/** Opens a shell on a node of the applied lab in a new tab. */
export async function openTerminal(lab: string, nodeId: string, nodeName: string): Promise<void> {
  wire();
  const r = await getApi()['term:open']({ lab, nodeId, cols: 100, rows: 24 });
  if (!r.ok) return toast(`Could not open a terminal on ${nodeName}: ${r.error}`, 'error');
  const st = useLive.getState();
  const n = st.terms.filter((t) => t.nodeId === nodeId).length;
  const title = n ? `${nodeName} (${n + 1})` : nodeName;
  st.set({
    terms: [
      ...st.terms,
      { id: r.value.id, nodeId, title, ...(r.value.notice ? { notice: r.value.notice } : {}) },
    ],
    activeTerm: r.value.id,
  });
  showTab('terminals');
}

/** Registers the xterm of a tab; returns the output that came before it. */
export function attachSink(id: string, sink: Sink): string[] {
  sinks.set(id, sink);
  const pending = early.get(id) ?? [];
  early.delete(id);
  return pending;
}

export function detachSink(id: string): void {
  sinks.delete(id);
}

/** Keystrokes to the shell. */
export function sendInput(id: string, data: string): void {
  void getApi()['term:input']({ id, data });
}

export function resizeTerminal(id: string, cols: number, rows: number): void {
  void getApi()['term:resize']({ id, cols, rows });
}

/** Closes a tab (and its shell, if it still runs). */
export function closeTerminal(id: string): void {
  const st = useLive.getState();
  const tab = st.terms.find((t) => t.id === id);
  if (tab && !tab.exited) void getApi()['term:close']({ id });
  const terms = st.terms.filter((t) => t.id !== id);
  st.set({ terms, activeTerm: st.activeTerm === id ? (terms.at(-1)?.id ?? null) : st.activeTerm });
  sinks.delete(id);
  early.delete(id);
}
