/**
 * Structural rules: unique ids and kernel names, references between nodes and
 * links, fields only some node kinds may carry, and the host's root namespace.
 */
import { isNetnsNode, SYSCTL_ALLOWLIST } from '../model';
import { checkLink, checkNodeRefs } from '../kinds';
import { nodeLabel, type Ctx } from './context';

/** Rule: duplicate node ids, link ids and namespace names. */
export function checkUniqueIds(ctx: Ctx): void {
  const { topo } = ctx;
  const seenNode = new Map<string, number>();
  topo.nodes.forEach((n, i) => {
    const first = seenNode.get(n.id);
    if (first !== undefined) {
      ctx.add({
        code: 'duplicate-node-id',
        severity: 'error',
        message: `Node id "${n.id}" is used by nodes ${first + 1} and ${i + 1}; links could not tell them apart.`,
        path: ['nodes', i, 'id'],
        nodeId: n.id,
      });
    } else seenNode.set(n.id, i);
  });

  const seenLink = new Map<string, number>();
  topo.links.forEach((l, i) => {
    const first = seenLink.get(l.id);
    if (first !== undefined) {
      ctx.add({
        code: 'duplicate-link-id',
        severity: 'error',
        message: `Link id "${l.id}" is used by links ${first + 1} and ${i + 1}.`,
        path: ['links', i, 'id'],
        linkId: l.id,
      });
    } else seenLink.set(l.id, i);
  });

  // Annotation ids key canvas elements; a duplicate would make two notes one.
  const seenNote = new Set<string>();
  (topo.annotations ?? []).forEach((a, i) => {
    if (seenNote.has(a.id))
      ctx.add({
        code: 'duplicate-annotation-id',
        severity: 'error',
        message: `Annotation id "${a.id}" is used twice.`,
        path: ['annotations', i, 'id'],
      });
    seenNote.add(a.id);
  });

  // Namespaces and routers are both network namespaces: one name, one /run/netns entry.
  const seenNs = new Map<string, string>();
  topo.nodes.forEach((n, i) => {
    if (!isNetnsNode(n)) return;
    const other = seenNs.get(n.name);
    if (other !== undefined && other !== n.id) {
      ctx.add({
        code: 'duplicate-netns-name',
        severity: 'error',
        message: `${nodeLabel(n)}: namespace name "${n.name}" is also used by node "${other}"; each namespace or router needs its own name.`,
        path: ['nodes', i, 'name'],
        nodeId: n.id,
      });
    } else if (other === undefined) seenNs.set(n.name, n.id);
  });
}

/** Rule: links must reference existing nodes and not connect an interface to itself; bridge.namespace must name a namespace/router. */
export function checkReferences(ctx: Ctx): void {
  const { topo } = ctx;
  for (const e of ctx.ends) {
    if (!e.node) {
      ctx.add({
        code: 'link-unknown-node',
        severity: 'error',
        message: `Link ${ctx.linkName(e.link)}: end ${e.key} is on node "${e.end.node}", which does not exist.`,
        path: ['links', e.li, e.key, 'node'],
        linkId: e.link.id,
      });
    }
  }
  topo.links.forEach((l, i) => {
    if (l.a.node === l.b.node && l.a.ifname === l.b.ifname) {
      ctx.add({
        code: 'link-self',
        severity: 'error',
        message: `Link ${ctx.linkName(l)}: both ends are interface "${l.a.ifname}" on ${l.a.node}; the two ends of a veth pair need different names.`,
        path: ['links', i, 'b', 'ifname'],
        linkId: l.id,
        nodeId: l.a.node,
      });
    }
  });
  // Kind-specific references (a bridge's `namespace`): the kind descriptors' checkRefs.
  topo.nodes.forEach((n, i) => {
    for (const p of checkNodeRefs(n, i, (id) => ctx.nodes.get(id)?.node)) ctx.add(p);
  });
  // Kind-specific link checks (none for veth; vxlan's VTEP addresses, VNI, port): the link kind descriptors' check.
  topo.links.forEach((l, i) => {
    for (const p of checkLink(l, i, (id) => ctx.nodes.get(id)?.node, topo)) ctx.add(p);
  });
}

/** Rule: interface names (link ends, bridge ports, bridges) are unique within each kernel namespace. */
export function checkDuplicateIfnames(ctx: Ctx): void {
  const seen = new Map<string, { what: string }>();
  const claim = (ns: string, name: string, what: string, report: (first: string) => void) => {
    const k = `${ns}\u0000${name}`;
    const first = seen.get(k);
    if (first) report(first.what);
    else seen.set(k, { what });
  };
  ctx.topo.nodes.forEach((n, i) => {
    if (n.kind !== 'bridge' || ctx.nodes.get(n.id)?.index !== i) return;
    const ns = ctx.bridgeNs(n);
    if (ns === undefined) return;
    claim(ns, n.name, `bridge ${n.id}`, (first) =>
      ctx.add({
        code: 'duplicate-ifname',
        severity: 'error',
        message: `${nodeLabel(n)}: interface name "${n.name}" in ${ctx.nsLabel(ns)} is already used by ${first}.`,
        path: ['nodes', i, 'name'],
        nodeId: n.id,
      }),
    );
  });
  for (const e of ctx.ends) {
    if (e.ns === undefined || !e.node) continue;
    // link-self is reported on its own; do not report it twice.
    if (e.key === 'b' && e.link.a.node === e.link.b.node && e.link.a.ifname === e.link.b.ifname) continue;
    const hostNote = e.node.kind === 'host' ? ' (every host node is the root namespace)' : '';
    claim(e.ns, e.end.ifname, `link ${ctx.linkName(e.link)}`, (first) =>
      ctx.add({
        code: 'duplicate-ifname',
        severity: 'error',
        message: `Link ${ctx.linkName(e.link)}: interface name "${e.end.ifname}" on ${e.node!.id} is already used in ${ctx.nsLabel(e.ns!)} by ${first}${hostNote}.`,
        path: ['links', e.li, e.key, 'ifname'],
        linkId: e.link.id,
        nodeId: e.node!.id,
      }),
    );
  }
}

/** Rule: routes, gateways and sysctls only on namespace/router nodes; warn when a link touches the root namespace through a host node. */
export function checkNodeKinds(ctx: Ctx): void {
  ctx.topo.nodes.forEach((n, i) => {
    if (isNetnsNode(n)) {
      const sys = (n.sysctls ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(sys)) {
        // Why: an allowlist — any other key could change the host or escape the lab (the schema checks this too).
        if (!(SYSCTL_ALLOWLIST as readonly string[]).includes(key)) {
          ctx.add({
            code: 'sysctl-not-allowed',
            severity: 'error',
            message: `${nodeLabel(n)}: sysctl "${key}" is not one netplumb may set.`,
            path: ['nodes', i, 'sysctls', key],
            nodeId: n.id,
          });
        }
      }
      return;
    }
    // The schema rejects these fields on hosts and bridges; validate() may also
    // be given objects built in code, so check again.
    const extra = n as unknown as Record<string, unknown>;
    const where =
      n.kind === 'host'
        ? 'a host node is the root namespace, which netplumb never reconfigures'
        : 'a bridge has no routing table of its own; put these on the namespace or router it lives in';
    if (extra.sysctls !== undefined) {
      ctx.add({
        code: 'sysctls-not-allowed',
        severity: 'error',
        message: `${nodeLabel(n)}: sysctls can only be set on namespace and router nodes (${where}).`,
        path: ['nodes', i, 'sysctls'],
        nodeId: n.id,
      });
    }
    for (const field of ['routes', 'gateway'] as const) {
      if (
        extra[field] !== undefined &&
        !(Array.isArray(extra[field]) && (extra[field] as unknown[]).length === 0)
      ) {
        ctx.add({
          code: 'routes-not-allowed',
          severity: 'error',
          message: `${nodeLabel(n)}: ${field} can only be set on namespace and router nodes (${where}).`,
          path: ['nodes', i, field],
          nodeId: n.id,
        });
      }
    }
  });
  for (const e of ctx.ends) {
    if (e.node?.kind !== 'host') continue;
    ctx.add({
      code: 'host-root-namespace',
      severity: 'warning',
      message: `Link ${ctx.linkName(e.link)}: interface "${e.end.ifname}" on host ${e.node.id} is created in the host's root namespace, next to the machine's real interfaces.`,
      path: ['links', e.li, e.key],
      linkId: e.link.id,
      nodeId: e.node.id,
    });
  }
}
