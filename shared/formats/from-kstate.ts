/**
 * kstateToTopology: the kernel as read by the live reader (a KState) -> a
 * topology document, for `netplumb import-host`. Pure.
 *
 * Named namespaces become namespace nodes (of the kind whose `adopt` hook
 * claims them: routers when IPv4 forwarding is on), bridges become bridge
 * nodes (in the root namespace or inside a namespace), each veth pair becomes
 * one link; a veth end in the root namespace that is not a bridge port sits
 * on a `host` node. Ownership marks are not carried over: the file describes
 * the objects, it does not claim them (see `netplumb adopt`). Anything a file
 * cannot express is left out with a warning naming it. The steps, in order:
 * scope, namespace nodes, veth pairs, bridges (from-kstate-links.ts), the host
 * node, links (veth, then the kinds that import themselves: from-kstate-kinds.ts),
 * routes.
 */
import type { BridgeNode, NetnsNode, Topology, TopoNode } from '../model';
import { CURRENT_VERSION } from '../model/topology';
import { adoptNamespace } from '../kinds';
import { handMadeSettings, type KNamespace, type KState, markLab, ROOT_NS } from '../plan/kstate';
import { ruleText } from '../plan/op';
import { validateDocument } from '../validate';
import type { Problem } from '../validate/problem';
import { kindLinks } from './from-kstate-kinds';
import { bridgeNodes, type Kept, needsHost, vethLinks, vethPairs } from './from-kstate-links';
import {
  HOST_ID,
  IdMaker,
  type ImportCtx,
  type KStateImportOptions,
  nsRoutes,
  nsSysctls,
  warn,
} from './from-kstate-parts';
import type { ImportResult } from './import-result';
import { withPositions } from './layout';

export type { KStateImportOptions } from './from-kstate-parts';

/** Converts a live kernel state into a topology (validated like a file; problems include the validator's). */
export function kstateToTopology(state: KState, opts: KStateImportOptions): ImportResult {
  const problems: Problem[] = [];
  const ids = new IdMaker();
  ids.make(HOST_ID); // reserved for the host node
  const c: ImportCtx = { state, opts, problems, ids, scope: importScope(state, opts, problems) };
  const nsNode = namespaceNodes(c);
  const pairs = vethPairs(c, nsNode);
  const bridges = bridgeNodes(c, pairs, nsNode);
  const nodes: TopoNode[] = [...nsNode.values(), ...bridges.values()];
  if (needsHost(pairs)) nodes.push({ id: HOST_ID, name: HOST_ID, kind: 'host' });
  const { links, kept, linkIds } = vethLinks(c, pairs, nsNode, bridges);
  links.push(...kindLinks(c, nsNode, bridges, linkIds, kept));
  addRoutes(c, nsNode, bridges, kept);
  const draft: Topology = withPositions({
    version: CURRENT_VERSION,
    name: opts.lab,
    nodes,
    links,
    expect: [],
    annotations: [],
  });
  const v = validateDocument(draft);
  return { topology: v.topology, problems: [...problems, ...v.problems] };
}

/** The named namespaces to import, sorted; warns about missing ones and the root's own interfaces. */
function importScope(state: KState, opts: KStateImportOptions, problems: Problem[]): string[] {
  const named = Object.keys(state.namespaces)
    .filter((n) => n !== ROOT_NS)
    .sort();
  const wanted = opts.namespaces ? [...new Set(opts.namespaces)] : named;
  for (const n of wanted)
    if (!state.namespaces[n])
      problems.push(
        warn(
          'import-host-namespace-missing',
          `Namespace "${n}" was asked for but does not exist on this host.`,
        ),
      );
  const root: KNamespace = state.namespaces[ROOT_NS] ?? {
    name: ROOT_NS,
    sysctls: {},
    ifaces: {},
    routes: [],
  };
  const rootForeign = Object.values(root.ifaces)
    .filter((i) => i.kind === 'other')
    .map((i) => i.name);
  if (!opts.namespaces && rootForeign.length) {
    problems.push(
      warn(
        'import-host-dropped',
        `Interfaces ${rootForeign.join(', ')} of the root namespace are left out: they are the machine's own (netplumb only models veth pairs and bridges).`,
      ),
    );
  }
  return named.filter((n) => wanted.includes(n));
}

/** One node per imported namespace, of the kind the registry adopts it as (routes come last). */
function namespaceNodes(c: ImportCtx): Map<string, NetnsNode> {
  const out = new Map<string, NetnsNode>();
  for (const name of c.scope) {
    const ns = c.state.namespaces[name];
    const claim = adoptNamespace(ns);
    const sysctls = nsSysctls(ns, claim.implied);
    const base = { id: c.ids.make(name), name, routes: [], ...(sysctls ? { sysctls } : {}) };
    const node = { ...base, kind: claim.kind, ...claim.fields } as NetnsNode;
    out.set(name, node);
    c.problems.push(...namespaceWarnings(name, ns, node, c.opts.lab));
  }
  return out;
}

/** What importing namespace `name` as `node` changes or leaves out: another lab's mark, lo, foreign interfaces. */
function namespaceWarnings(name: string, ns: KNamespace, node: NetnsNode, lab: string): Problem[] {
  const out: Problem[] = [];
  const at = { nodeId: node.id };
  const owner = markLab(ns.mark ?? ns.ifaces.lo?.mark);
  if (owner !== undefined)
    out.push(
      warn(
        'import-host-managed',
        `Namespace ${name} already belongs to netplumb lab "${owner}": that lab's own file describes it (adopting it into "${lab}" will be refused).`,
        at,
      ),
    );
  const lo = ns.ifaces.lo;
  if (lo && !lo.up)
    out.push(
      warn(
        'import-host-lo-down',
        `The loopback of namespace ${name} is down; the file brings it up (netplumb always does).`,
        at,
      ),
    );
  if (lo?.addresses.length)
    out.push(
      warn(
        'import-host-dropped',
        `Addresses ${lo.addresses.join(', ')} on lo in namespace ${name} are left out: the file format has no loopback addresses.`,
        at,
      ),
    );
  for (const i of Object.values(ns.ifaces)) {
    const settings = i.kind === 'other' ? [] : handMadeSettings(i);
    if (settings.length)
      out.push(
        warn(
          'import-host-dropped',
          `${settings.join(', ')} on ${i.name} in namespace ${name} ${settings.length > 1 ? 'are' : 'is'} left out: the file format does not have ${settings.length > 1 ? 'them' : 'it'}, and apply puts back what the kernel gives a new interface.`,
          at,
        ),
      );
  }
  const steering = [
    ...(ns.rules ?? []).map((r) => `policy rule "${ruleText(r)}"`),
    ...(ns.neighs ?? []).map((n) => `permanent neighbour ${n.addr} on ${n.dev}`),
  ];
  if (steering.length)
    out.push(
      warn(
        'import-host-dropped',
        `${steering.join(', ')} in namespace ${name} ${steering.length > 1 ? 'are' : 'is'} left out: the file format has no policy rules or static neighbours, and apply removes them.`,
        at,
      ),
    );
  const foreign = Object.values(ns.ifaces)
    .filter((i) => i.kind === 'other')
    .map((i) => i.name);
  if (foreign.length)
    out.push(
      warn(
        'import-host-dropped',
        `Interfaces ${foreign.join(', ')} in namespace ${name} are left out: netplumb only models veth pairs and bridges.`,
        at,
      ),
    );
  return out;
}

/**
 * Routes last: a route through an interface that was left out goes too
 * (bridges inside a namespace count as its interfaces).
 */
function addRoutes(
  c: ImportCtx,
  nsNode: ReadonlyMap<string, NetnsNode>,
  bridges: ReadonlyMap<string, BridgeNode>,
  kept: Kept,
): void {
  for (const [k, br] of bridges) {
    if (!br.namespace) continue;
    kept.ifaces.get(k.split('\u0000')[0])?.add(br.name);
    kept.addresses.get(k.split('\u0000')[0])?.push(...br.addresses);
  }
  for (const [name, node] of nsNode) {
    const r = nsRoutes(
      c.state.namespaces[name],
      kept.ifaces.get(name) ?? new Set(),
      kept.addresses.get(name) ?? [],
      (route, why) =>
        c.problems.push(
          warn(
            'import-host-dropped',
            `Route ${route.to}${route.via ? ` via ${route.via}` : ''} in namespace ${name} is left out: ${why}.`,
            { nodeId: node.id },
          ),
        ),
    );
    node.routes = r.routes;
    if (r.gateway) node.gateway = r.gateway;
  }
}
