/**
 * What the non-root lane's specs share: the run's tag and kernel names, and
 * the `netplumb` command run as this (ordinary) user from this clone.
 *
 * Every kernel name is nl<letter><tag>[letter], so the lane's cleanup (run as
 * root) removes only this run's leftovers: see scripts/nonroot-lane/run.sh.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type Result } from 'execa';

/** 4 hex digits from the lane (or random when a spec runs on its own). */
export const TAG = /^[0-9a-f]{4}$/.test(process.env.NETPLUMB_LANE_TAG ?? '')
  ? process.env.NETPLUMB_LANE_TAG!
  : randomBytes(2).toString('hex');

/** A kernel name of this run: nl<letter><tag>[suffix]. */
export const kname = (letter: string, suffix = '') => `nl${letter}${TAG}${suffix}`;

/** The clone this suite runs in (bin/netplumb.js is the `netplumb` command npm installed). */
export const CLONE = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(CLONE, 'bin', 'netplumb.js');

/** Runs `netplumb ARGS` as this user; never throws. */
export function netplumb(...args: string[]): Promise<Result<{ reject: false; env: { NO_COLOR: string } }>> {
  return execa(process.execPath, [BIN, ...args], { reject: false, env: { NO_COLOR: '1' }, timeout: 180_000 });
}

/** The uid this suite runs as. */
export const MY_UID = process.getuid!();

/** True when the suite runs as an ordinary user (the lane's whole point). */
export const NOT_ROOT_REASON =
  MY_UID === 0 ? 'runs as an ordinary user only (scripts/nonroot-lane/run.sh)' : undefined;

/** The classic bridge lab (examples/linux-bridge.yaml) with this run's names, written to a temporary file. */
export function classicLab(
  which: 'cli' | 'web',
  letters: [string, string, string],
): { file: string; lab: string; ns1: string; ns2: string; br: string } {
  const [a, b, c] = letters;
  const lab = `lane-${TAG}-${which}`;
  const ns1 = kname(a),
    ns2 = kname(b),
    br = kname(c);
  const text = `version: 1
name: ${lab}
description: The classic Linux bridge lab, for the non-root lane.
nodes:
  - { id: ns1, name: ${ns1}, kind: namespace, position: { x: 0, y: 0 } }
  - { id: ns2, name: ${ns2}, kind: namespace, position: { x: 400, y: 0 } }
  - { id: br0, name: ${br}, kind: bridge, position: { x: 200, y: 160 } }
links:
  - id: ns1-br0
    a: { node: ns1, ifname: veth-ns1, addresses: [10.0.0.1/24] }
    b: { node: br0, ifname: ${br}a }
  - id: ns2-br0
    a: { node: ns2, ifname: veth-ns2, addresses: [10.0.0.2/24] }
    b: { node: br0, ifname: ${br}b }
expect:
  - { from: ns1, to: ns2 }
  - { from: ns2, to: ns1 }
`;
  const dir = mkdtempSync(path.join(tmpdir(), `np-lane-${which}-`));
  const file = path.join(dir, `${lab}.yaml`);
  writeFileSync(file, text);
  return { file, lab, ns1, ns2, br };
}

/** Names of all network namespaces (any user may list them). */
export async function netnsNames(): Promise<string[]> {
  const r = await execa('ip', ['-j', 'netns', 'list'], { reject: false });
  return r.stdout.trim() ? (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name) : [];
}

/** Every IPv4/IPv6 address in the root namespace (read-only, any user). */
export async function rootAddresses(): Promise<string[]> {
  const r = await execa('ip', ['-j', 'addr', 'show'], { reject: false });
  return (JSON.parse(r.stdout || '[]') as { addr_info?: { local: string; prefixlen: number }[] }[]).flatMap(
    (l) => (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
  );
}
