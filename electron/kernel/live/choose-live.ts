/**
 * The live lab for the CLI: in this process when root, else through the
 * privileged helper (the same choice chooseEngine makes for Apply), else
 * nothing — the caller then says in plain words how to get it.
 */
import { localEngine } from '../engine';
import { chooseEngine, runningAsRoot } from '../privilege';
import { localLive, type LiveBackend } from './backend';
import { helperLive } from './helper-backend';

/** The chosen live lab and how to let it go (ends the helper when one was started). */
export interface ChosenLive {
  live: LiveBackend;
  close(): void;
}

/** Chooses where live lab work runs; null when neither root nor a helper is available. */
export async function chooseLive(appRoot: string): Promise<ChosenLive | null> {
  if (runningAsRoot()) return { live: localLive({}, localEngine), close: () => {} };
  const c = await chooseEngine('browser', appRoot);
  const helper = c.helper;
  if (!helper) return null;
  const remote = helperLive(helper);
  return {
    live: remote,
    close: () => {
      remote.dispose();
      helper.close();
    },
  };
}
