/**
 * The live lab's long-lived parts, one set per process: open terminals,
 * running captures, and the counters sampler for link animation. Handlers
 * get them with liveServices(); Electron main and the browser-mode server
 * share the same set, so a lab destroyed from anywhere closes its terminals.
 */
import { CaptureManager, type CaptureStopped } from './capture';
import type { LiveOptions } from './owned';
import { RateSampler } from './rates';
import { TerminalManager } from './terminals';

export interface LiveServices {
  terminals: TerminalManager;
  captures: CaptureManager;
  rates: RateSampler;
  /** Listeners for finished captures, keyed by capture id (the page that started it). */
  captureListeners: Map<string, (s: CaptureStopped) => void>;
}

const byRunDir = new Map<string, LiveServices>();

/** The live services for this process (per run directory, so tests stay apart). */
export function liveServices(o: LiveOptions = {}): LiveServices {
  const key = o.runDir ?? '';
  let s = byRunDir.get(key);
  if (!s) {
    const captureListeners = new Map<string, (s: CaptureStopped) => void>();
    s = {
      terminals: new TerminalManager(o),
      captures: new CaptureManager({
        ...o,
        onStopped: (stopped) => {
          captureListeners.get(stopped.id)?.(stopped);
          captureListeners.delete(stopped.id);
        },
      }),
      rates: new RateSampler(o),
      captureListeners,
    };
    byRunDir.set(key, s);
  }
  return s;
}

/** Closes every terminal and stops every capture (process exit). */
export async function shutdownLive(): Promise<void> {
  for (const s of byRunDir.values()) {
    s.terminals.closeAll();
    await s.captures.stopAll();
  }
}
