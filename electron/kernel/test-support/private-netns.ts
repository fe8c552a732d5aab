/**
 * Runs nsread (or any command) inside a scratch namespace `home` (`ip netns
 * exec`), in a private mount namespace whose /run/netns holds only the
 * test's namespaces (those whose names start with home's prefix), as they
 * are when it starts. The root's fingerprint covers every /run/netns entry,
 * and other test files add and delete namespaces all the time: seen through
 * the real /run/netns, two reads a moment apart differ for reasons that are
 * not the test's. The bind mounts live and die with the private namespace;
 * the host's /run/netns is never touched.
 */
import {
  spawn,
  spawnSync,
  type ChildProcessWithoutNullStreams,
  type SpawnSyncOptionsWithStringEncoding,
  type SpawnSyncReturns,
} from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** The script: `sh -c PRIVATE_NETNS sh STAGE PREFIX HOME ARGV...` (STAGE: an empty directory of the test's). */
export const PRIVATE_NETNS = `set -e
stage=$1 prefix=$2 home=$3; shift 3
mount -t tmpfs -o size=64k,mode=700 netplumb-test "$stage"
for f in /run/netns/"$prefix"*; do
  [ -e "$f" ] || continue
  n=\${f##*/}; : >"$stage/$n"; mount --bind "$f" "$stage/$n"
done
mount -t tmpfs -o size=64k,mode=755 netplumb-test /run/netns
for f in "$stage"/*; do
  [ -e "$f" ] || continue
  n=\${f##*/}; : >"/run/netns/$n"; mount --bind "$f" "/run/netns/$n"
done
exec ip netns exec "$home" "$@"`;

const unshareArgs = (script: string, args: readonly string[]) => [
  '--mount',
  '--propagation',
  'private',
  'sh',
  '-c',
  script,
  'sh',
  ...args,
];

/** Runs the shell script `script` with `args` in a private mount namespace (unshare), in which it mounts what it needs under `stage`. */
export function inPrivateMounts(
  stage: string,
  script: string,
  args: string[],
  opts: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {},
): SpawnSyncReturns<string> {
  mkdirSync(stage, { recursive: true });
  return spawnSync('unshare', unshareArgs(script, args), { ...opts, encoding: 'utf8' });
}

/** Starts `argv` in `home` with a private /run/netns (PRIVATE_NETNS), running on: its process. */
export function startInPrivateNetns(
  stage: string,
  prefix: string,
  home: string,
  argv: readonly string[],
): ChildProcessWithoutNullStreams {
  mkdirSync(stage, { recursive: true });
  return spawn('unshare', unshareArgs(PRIVATE_NETNS, [stage, prefix, home, ...argv]), { stdio: 'pipe' });
}
