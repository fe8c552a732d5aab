/**
 * Link animation data: while the lab is applied, lab:live is read about once
 * a second and each link with traffic gets a direction and a level (1..4)
 * from the kernel's own counters. Links without traffic get no entry, so the
 * canvas animates only those (cheap with a thousand links).
 */
import { getApi } from '../../api';
import { editorStore } from '../../store/editor';
import { refreshStatus } from '../../store/lab-actions';
import { closeTerminal } from './terminals';
import { appliedLab, useLive, type EdgeTraffic, type LiveSample } from './live-store';

/** Below this many bytes per second a link counts as idle (a stray IPv6 router solicitation is not "traffic"). */
const IDLE_BPS = 1;

/** Traffic per link from one sample (pure). */
export function trafficFrom(sample: LiveSample): Record<string, EdgeTraffic> {
  const out: Record<string, EdgeTraffic> = {};
  for (const l of sample.links) {
    const ab = l.aToB.bytesPerSec;
    const ba = l.bToA.bytesPerSec;
    const total = ab + ba;
    if (!l.up || total < IDLE_BPS) continue;
    const level = total < 2_000 ? 1 : total < 200_000 ? 2 : total < 20_000_000 ? 3 : 4;
    out[l.linkId] = { dir: ab >= ba ? 'ab' : 'ba', level, bytesPerSec: total };
  }
  return out;
}

/** True when two traffic maps animate the same way (so the canvas does not redraw for nothing). */
export function sameTraffic(a: Record<string, EdgeTraffic>, b: Record<string, EdgeTraffic>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] && b[k].dir === a[k].dir && b[k].level === a[k].level);
}

let timer: ReturnType<typeof setInterval> | null = null;
let busy = false;

async function poll() {
  const lab = appliedLab();
  if (!lab || busy) return;
  busy = true;
  const r = await getApi()['lab:live']({ lab });
  busy = false;
  // The lab went away (destroyed elsewhere, or never ours): read the status again rather than polling a lab that is not there.
  if (!r.ok) return void refreshStatus();
  if (appliedLab() !== lab) return;
  const next = trafficFrom(r.value);
  if (!sameTraffic(next, useLive.getState().traffic)) useLive.getState().set({ traffic: next });
}

function sync() {
  const on = !!appliedLab();
  if (on && !timer) {
    timer = setInterval(() => void poll(), 1000);
    void poll();
  } else if (!on && timer) {
    clearInterval(timer);
    timer = null;
    // The lab is gone: its rates, check results and trace no longer describe anything.
    useLive.getState().set({ traffic: {}, highlight: null, checks: null, trace: null });
  }
}

/** Starts following the applied state (called once by the page). */
export function startTrafficPolling(): () => void {
  sync();
  return editorStore.subscribe((s, prev) => {
    // Another document: results of the previous one must not show on its nodes.
    if (s.loadSeq !== prev.loadSeq) {
      useLive.getState().set({ checks: null, trace: null, highlight: null, pickFrom: '', pickTo: '' });
      // Terminals are shells in the previous lab's namespaces: they do not belong to another lab's drawing.
      if (s.doc.name !== prev.doc.name) for (const t of useLive.getState().terms) closeTerminal(t.id);
    }
    if (s.status !== prev.status || s.doc.name !== prev.doc.name) sync();
  });
}
