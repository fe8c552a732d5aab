/**
 * `netplumb import --prefix P`: puts P in front of every kernel name an
 * imported lab would take on the host — namespace names, bridge names and
 * the interfaces that live in the root namespace (ports of root bridges,
 * ends on the host) — and in front of the lab name, so a lab whose node
 * names (h1, pc1, n1…) are taken by a running lab can run beside it.
 * Interface names inside a lab namespace cannot collide and stay as they are.
 */
import { IFNAME_MAX_BYTES, isNetnsNode, type LinkEnd, type Topology } from '../model';
import type { Problem } from '../validate/problem';
import { checkNetnsName } from '../validate/names';
import { fitBytes, sanitizeLabName, shortHash } from './import-names';

const encoder = new TextEncoder();

/** Checks a prefix; null when it is fine. */
export function checkPrefix(prefix: string): string | null {
  // Why: the prefix becomes part of namespace and interface names passed to ip as argv.
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(prefix))
    return `the prefix "${prefix}" may use only letters, digits, "-", "_" and "." and must start with a letter or digit`;
  if (encoder.encode(prefix).length > 10)
    return `the prefix "${prefix}" is longer than 10 bytes; it must leave room in 15-byte interface names`;
  return null;
}

/** The topology with `prefix` in front of every host-visible kernel name, and a warning for each name it had to shorten. */
export function prefixTopology(t: Topology, prefix: string): { topology: Topology; problems: Problem[] } {
  const bad = checkPrefix(prefix);
  if (bad)
    return {
      topology: t,
      problems: [{ code: 'prefix-invalid', severity: 'error', message: `--prefix: ${bad}.`, path: [] }],
    };
  const problems: Problem[] = [];
  const used = new Set<string>();
  const ifname = (name: string, what: string, path: (string | number)[]) => {
    const full = prefix + name;
    if (encoder.encode(full).length <= IFNAME_MAX_BYTES && !used.has(full)) {
      used.add(full);
      return full;
    }
    let short = fitBytes(full, IFNAME_MAX_BYTES - 5) + '-' + shortHash(full);
    for (let i = 2; used.has(short); i++)
      short = fitBytes(full, IFNAME_MAX_BYTES - 5 - String(i).length) + i + '-' + shortHash(full);
    used.add(short);
    problems.push({
      code: 'prefix-shortened',
      severity: 'warning',
      message: `${what} "${name}" with the prefix is "${full}" (${encoder.encode(full).length} bytes, Linux allows ${IFNAME_MAX_BYTES}); it is called "${short}"`,
      path,
    });
    return short;
  };
  const rootBridge = new Set(
    t.nodes.filter((n) => n.kind === 'bridge' && n.namespace === undefined).map((n) => n.id),
  );
  const host = new Set(t.nodes.filter((n) => n.kind === 'host').map((n) => n.id));
  const nodes = t.nodes.map((n, i) => {
    if (isNetnsNode(n)) {
      const name = prefix + n.name;
      const issue = checkNetnsName(name);
      if (issue)
        problems.push({
          code: issue.code,
          severity: 'error',
          message: `${n.kind} "${n.name}" with the prefix: ${issue.reason}`,
          path: ['nodes', i, 'name'],
          nodeId: n.id,
        });
      return { ...n, name, label: n.label ?? n.name };
    }
    if (n.kind === 'bridge' && n.namespace === undefined)
      return { ...n, name: ifname(n.name, 'bridge', ['nodes', i, 'name']), label: n.label ?? n.name };
    return n;
  });
  const end = (e: LinkEnd, path: (string | number)[]): LinkEnd =>
    rootBridge.has(e.node) || host.has(e.node) ? { ...e, ifname: ifname(e.ifname, 'interface', path) } : e;
  const links = t.links.map((l, i) => ({
    ...l,
    a: end(l.a, ['links', i, 'a', 'ifname']),
    b: end(l.b, ['links', i, 'b', 'ifname']),
  }));
  return { topology: { ...t, name: sanitizeLabName(prefix + t.name), nodes, links }, problems };
}
