/**
 * A stop asked for by the user (Ctrl-C, SIGTERM, SIGHUP) while an apply
 * changes the kernel. The executor checks it between waves: it stops there
 * and reports the stop as a failure, so the apply rolls back what it did, as
 * it does after a kernel error, and the host is left as it was. A second
 * signal ends the process at once (as that signal would), and the next
 * netplumb command on the lab finishes the rollback from its journal.
 */

let stop: string | undefined;

/** Asks the running apply to stop before its next step (`why`: e.g. "Ctrl-C"). */
export function requestStop(why: string): void {
  stop ??= why;
}

/** Why a stop was asked for, or undefined. */
export const stopRequested = (): string | undefined => stop;

/** The running whileStoppable's own reaction to a first signal, while one runs. */
let active: ((why: string) => void) | undefined;

/**
 * A stop asked for from outside this process's signals: the resident engine
 * (electron/cli/engine-server.ts) passes on its client's Ctrl-C this way, or
 * the client's going away. Returns true when a stoppable apply is running
 * (it says so to the user and stops before its next step); false when none
 * is. The stop holds either way until `clearStop`, so an apply that has not
 * begun its changes yet stops before its first one.
 */
export function stopFromOutside(why: string): boolean {
  const running = active !== undefined && stop === undefined;
  if (running) active!(why);
  requestStop(why);
  return running;
}

/** Forgets a stop asked for (the resident engine, between two commands). */
export function clearStop(): void {
  stop = undefined;
}

/**
 * Runs `fn` with SIGINT, SIGTERM and SIGHUP asking for a stop (`onStop` says so
 * to the user); the second signal ends the process as usual. The handlers are
 * removed afterwards.
 */
export async function whileStoppable<T>(fn: () => Promise<T>, onStop: (why: string) => void): Promise<T> {
  const names = { SIGINT: 'Ctrl-C', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP' } as const;
  const remove = () => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
  const handlers = Object.entries(names).map(([sig, why]) => {
    const h = () => {
      if (stop === undefined) {
        onStop(why);
        requestStop(why);
        return;
      }
      // The second signal: end as that signal ends a process (other listeners, e.g. execa's
      // clean-up of children, still run). Why this handler stays until then: a signal that
      // finds no listener but execa's own is re-raised by it, ending the process at once.
      remove();
      process.kill(process.pid, sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  active = onStop;
  try {
    return await fn();
  } finally {
    active = undefined;
    remove();
    stop = undefined;
  }
}
