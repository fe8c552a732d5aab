/**
 * Name prefixes for shared machines and bulk grading: a pure document
 * transform that puts one prefix in front of every kernel name of a lab (the
 * lab name, namespace and router names, bridge names, every interface name
 * and every route's `dev`), so labs of several users or thirty submissions
 * never collide on one host. Ids stay as they are, so checks, expectations
 * and the canvas keep working on the prefixed document.
 *
 * The transform never produces a name the kernel would refuse: a name pushed
 * past its limit (15 bytes for interfaces and bridges, 64 for namespaces, 32
 * for the lab) is reported as a `prefix-name-too-long` problem with its place.
 */
import type { Problem } from './problem';
import type { Topology } from './topology';
import { visible } from '../util/visible';

/** The longest prefix accepted (short prefixes leave room under the 15-byte interface limit). */
export const PREFIX_MAX = 12;
const IFNAME_MAX = 15;
const NETNS_MAX = 64;
const LAB_MAX = 32;

/** One renamed kernel object. */
export interface NameMapping {
  kind: 'lab' | 'namespace' | 'bridge' | 'interface';
  from: string;
  to: string;
  nodeId?: string;
  linkId?: string;
  end?: 'a' | 'b';
}

export type PrefixResult =
  { ok: true; topology: Topology; mapping: NameMapping[] } | { ok: false; problems: Problem[] };

const bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * Checks a prefix: 1–12 characters, lower-case letters, digits, "-", "_",
 * "."; starting with a letter or digit. Returns the reason in plain words, or
 * null when it is fine.
 */
export function checkPrefix(prefix: string): string | null {
  // Why: the prefix goes into the lab name (file names under /run, ownership
  // marks) and into kernel names written on `ip -batch` lines; the lab-name
  // character set is the narrowest of those, so it is the one enforced.
  if (typeof prefix !== 'string' || prefix.length === 0) return 'the name prefix cannot be empty';
  if (prefix.length > PREFIX_MAX)
    return `the name prefix "${visible(prefix)}" is ${prefix.length} characters; at most ${PREFIX_MAX} are allowed`;
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(prefix))
    return `the name prefix "${visible(prefix)}" may use only lower-case letters, digits, "-", "_" and "." and must start with a letter or digit`;
  // Why: the lab-name rule (lab-name.ts) refuses ".." anywhere, and the prefix becomes part of the lab name.
  if (prefix.includes('..'))
    return `the name prefix "${visible(prefix)}" cannot contain "..", because it becomes part of the lab name`;
  return null;
}

/** The prefixed form of one name (no checks). */
export const prefixed = (prefix: string, name: string): string => prefix + name;

/**
 * Prefixes every kernel name of `t` with `prefix`. Returns the new document
 * and the mapping of every renamed object, or the problems (bad prefix, or
 * each name that would become too long, with its path).
 */
export function prefixTopology(t: Topology, prefix: string): PrefixResult {
  const bad = checkPrefix(prefix);
  if (bad)
    return { ok: false, problems: [{ code: 'prefix-invalid', severity: 'error', message: bad, path: [] }] };
  const problems: Problem[] = [];
  const mapping: NameMapping[] = [];
  const tooLong = (
    what: string,
    name: string,
    limit: number,
    unit: string,
    path: (string | number)[],
    where: { nodeId?: string; linkId?: string },
  ) =>
    problems.push({
      code: 'prefix-name-too-long',
      severity: 'error',
      message: `${what} "${name}" becomes "${prefix + name}" with the prefix "${prefix}": ${unit === 'bytes' ? bytes(prefix + name) : (prefix + name).length} ${unit}, at most ${limit} allowed; use a shorter prefix or a shorter name`,
      path,
      ...where,
    });

  const lab = prefix + t.name;
  if (lab.length > LAB_MAX) tooLong('the lab name', t.name, LAB_MAX, 'characters', ['name'], {});
  mapping.push({ kind: 'lab', from: t.name, to: lab });

  const nodes = t.nodes.map((n, i) => {
    if (n.kind === 'host') return n;
    const to = prefix + n.name;
    const limit = n.kind === 'bridge' ? IFNAME_MAX : NETNS_MAX;
    const size = n.kind === 'bridge' ? bytes(to) : to.length;
    if (size > limit)
      tooLong(
        n.kind === 'bridge' ? 'bridge name' : 'namespace name',
        n.name,
        limit,
        n.kind === 'bridge' ? 'bytes' : 'characters',
        ['nodes', i, 'name'],
        { nodeId: n.id },
      );
    mapping.push({ kind: n.kind === 'bridge' ? 'bridge' : 'namespace', from: n.name, to, nodeId: n.id });
    if (n.kind === 'bridge') return { ...n, name: to };
    return {
      ...n,
      name: to,
      routes: n.routes.map((r) => (r.dev === undefined ? r : { ...r, dev: prefix + r.dev })),
    };
  });

  const links = t.links.map((l, i) => {
    const end = (key: 'a' | 'b') => {
      const e = l[key];
      const to = prefix + e.ifname;
      if (bytes(to) > IFNAME_MAX)
        tooLong('interface name', e.ifname, IFNAME_MAX, 'bytes', ['links', i, key, 'ifname'], {
          linkId: l.id,
        });
      mapping.push({ kind: 'interface', from: e.ifname, to, linkId: l.id, end: key, nodeId: e.node });
      return { ...e, ifname: to };
    };
    return { ...l, a: end('a'), b: end('b') };
  });

  if (problems.length) return { ok: false, problems };
  return { ok: true, topology: { ...t, name: lab, nodes, links }, mapping };
}

/**
 * The longest name growth a document can take: the room left under each
 * limit, over every name (how long a prefix may be for this document).
 */
export function maxPrefixLength(t: Topology): number {
  let room = Math.min(PREFIX_MAX, LAB_MAX - t.name.length);
  for (const n of t.nodes) {
    if (n.kind === 'bridge') room = Math.min(room, IFNAME_MAX - bytes(n.name));
    else if (n.kind !== 'host') room = Math.min(room, NETNS_MAX - n.name.length);
  }
  for (const l of t.links) for (const e of [l.a, l.b]) room = Math.min(room, IFNAME_MAX - bytes(e.ifname));
  return Math.max(0, room);
}
