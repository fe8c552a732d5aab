/**
 * `netplumb import-host`: reads the running kernel and turns it into a
 * topology file. Read-only by construction: every process goes through
 * readOnlyRunner, which refuses anything but the reads the live reader makes.
 */
import { kstateToTopology, serializeTopology } from '../../shared/formats';
import type { ImportResult } from '../../shared/formats/import-result';
import { readLive, SYSCTL_SCRIPT } from './live-read';
import { isValidNetnsName } from './netns';
import { DEFAULT_IMPORT_LAB } from './import-host-name';
import { execaRunner, type Runner } from './runner';

/** Options of importHost. */
export interface ImportHostOptions {
  /** Only these namespaces (and the bridges and links that touch them); default every named namespace. */
  namespaces?: string[];
  /** Lab name written to the file (default "imported"). */
  lab?: string;
  runner?: Runner;
}

/** Thrown when import-host is asked to run something that is not a read. */
export class NotAReadError extends Error {}

const READ_BATCH_LINE =
  /^(address show|link show|route show table all( proto (boot|static))?|rule show|neigh show nud permanent nud noarp|neigh show nud permanent|netns list-id|netns list)$/;

/** True when argv (with its batch input) only reads kernel state. */
export function isReadOnlyCommand(argv: readonly string[], input?: string): boolean {
  const a = [...argv];
  // `ip netns exec NS sysctl -e KEYS...` reads sysctls inside a namespace; so does the live
  // reader's own script (fixed text: exactly it, nothing else, runs through sh).
  if (a[0] === 'ip' && a[1] === 'netns' && a[2] === 'exec' && a.length > 4)
    return (a[4] === 'sysctl' && isSysctlRead(a.slice(4))) || isSysctlScript(a.slice(4));
  if (a[0] === 'sysctl') return isSysctlRead(a);
  if (a[0] === 'sh') return isSysctlScript(a);
  if (a[0] !== 'ip' && a[0] !== 'bridge' && a[0] !== 'tc') return false;
  let i = 1;
  if (a[i] === '-j') i++;
  else return false;
  if (a[i] === '-d') i++;
  if (a[i] === '-n') i += 2;
  const rest = a.slice(i).join(' ');
  if (a[0] === 'ip' && rest === '-batch -') {
    const lines = (input ?? '').split('\n').filter((l) => l.trim() !== '');
    return lines.length > 0 && lines.every((l) => READ_BATCH_LINE.test(l.trim()));
  }
  if (a[0] === 'ip')
    return (
      /^(link|address) show( dev \S+)?$/.test(rest) ||
      rest === 'route show table all' ||
      rest === 'netns list-id'
    );
  if (a[0] === 'bridge') return rest === 'vlan show';
  return rest === 'qdisc show';
}

function isSysctlScript(a: readonly string[]): boolean {
  return a.length === 3 && a[0] === 'sh' && a[1] === '-c' && a[2] === SYSCTL_SCRIPT;
}

function isSysctlRead(a: readonly string[]): boolean {
  // Reads name keys; a write is `-w` or `key=value`.
  return a[1] === '-e' && a.slice(2).every((k) => /^[a-z0-9_.-]+$/.test(k));
}

/**
 * Wraps a runner so that only reads run.
 * Why: import-host promises to change nothing on the host; this makes that a
 * property of the code rather than of the live reader's current behaviour.
 */
export function readOnlyRunner(inner: Runner): Runner {
  const refuse = (argv: readonly string[], input?: string) => {
    if (!isReadOnlyCommand(argv, input))
      throw new NotAReadError(`import-host refused to run \`${argv.join(' ')}\`: it only reads the kernel`);
  };
  const run: Runner = async (argv, opts) => {
    refuse(argv, opts?.input);
    return inner(argv, opts);
  };
  const fan = inner.fanOut;
  if (!fan) return run;
  // Why every job is checked before any starts: the fan-out runs them all from one spawn.
  return Object.assign(run, {
    fanOut: async (jobs: Parameters<typeof fan>[0], opts?: Parameters<typeof fan>[1]) => {
      for (const j of jobs) refuse(j.argv, j.input);
      return fan(jobs, opts);
    },
  });
}

/** Reads the host and builds the topology (problems: warnings for what was left out, and validation). */
export async function importHost(o: ImportHostOptions = {}): Promise<ImportResult & { text?: string }> {
  for (const n of o.namespaces ?? []) {
    // Why: names reach argv (`ip -n NAME`); refuse anything that is not a plain namespace name.
    if (!isValidNetnsName(n)) throw new Error(`"${n}" is not a valid namespace name`);
  }
  const runner = readOnlyRunner(o.runner ?? execaRunner);
  // peerNames false: a root veth whose peer is in a namespace outside the import
  // needs no name (it is left out), and looking each one up costs a process.
  const state = await readLive(runner, {
    namespaces: o.namespaces ?? 'all',
    includeRoot: true,
    sysctls: true,
    peerNames: false,
  });
  const r = kstateToTopology(state, { lab: o.lab ?? DEFAULT_IMPORT_LAB, namespaces: o.namespaces });
  return { ...r, ...(r.topology ? { text: serializeTopology(r.topology, { format: 'yaml' }) } : {}) };
}
