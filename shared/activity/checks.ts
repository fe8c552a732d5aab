/**
 * Activity checks for authors and for the app: plain-words descriptions,
 * builders the editor calls when the teacher points at things ("select two
 * nodes → must reach"), suggestions for a selection, and the authoring
 * problems of an activity plus its key (unknown nodes, duplicate ids, …).
 */
import { isNetnsNode, type ActivityCheck, type ActivityKey, type Topology } from '../model';
import type { Problem } from '../validate/problem';

/** A check as the grader and the app see it: where it came from. */
export type PlacedCheck = ActivityCheck & { hidden: boolean };

/** Visible checks (activity file) then hidden ones (answer key), each marked. */
export function allChecks(t: Topology, key?: ActivityKey): PlacedCheck[] {
  return [
    ...(t.activity?.checks ?? []).map((c) => ({ ...c, hidden: false })),
    ...(key?.checks ?? []).map((c) => ({ ...c, hidden: true })),
  ];
}

const name = (t: Topology | undefined, id: string) => t?.nodes.find((n) => n.id === id)?.label ?? id;

/** A check in plain words, e.g. "h1 reaches h2" or "r1 has a route to default via 10.1.0.1". */
export function describeCheck(c: ActivityCheck, t?: Topology): string {
  if (c.title) return c.title;
  const n = (id: string) => name(t, id);
  switch (c.kind) {
    case 'reach':
      return `${n(c.from)} reaches ${n(c.to)}`;
    case 'no-reach':
      return `${n(c.from)} does not reach ${n(c.to)}`;
    case 'route':
      return `${n(c.node)} has a route to ${c.to}${c.via ? ` via ${c.via}` : ''}${c.dev ? ` on ${c.dev}` : ''}`;
    case 'address':
      return `${n(c.node)} has the address ${c.address}${c.ifname ? ` on ${c.ifname}` : ''}`;
    case 'iface-state':
      return `${c.ifname} on ${n(c.node)} is ${c.up ? 'up' : 'down'}`;
    case 'fdb':
      return `bridge ${n(c.bridge)} has learned the MAC address of ${c.node ? n(c.node) : c.mac}`;
    case 'vlan-isolation':
      return `${n(c.from)} reaches ${n(c.same)} (same VLAN) but not ${n(c.other)} (other VLAN)`;
    case 'rtt':
      return `round trip ${n(c.from)} → ${n(c.to)} ${[c.atLeastMs !== undefined ? `at least ${c.atLeastMs} ms` : '', c.atMostMs !== undefined ? `at most ${c.atMostMs} ms` : ''].filter(Boolean).join(' and ')}`;
    case 'path':
      return `${n(c.from)} reaches ${n(c.to)} through ${c.via.map(n).join(', then ')}`;
  }
}

/** An id not yet used in `taken`, built from `base` (`reach-h1-h2`, `reach-h1-h2-2`, …). */
export function freshCheckId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const clean =
    base
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'check';
  if (!used.has(clean)) return clean;
  for (let i = 2; ; i++) if (!used.has(`${clean}-${i}`)) return `${clean}-${i}`;
}

type Extra = { points?: number; hint?: string; step?: number; breakIt?: boolean; title?: string };
const base = (id: string, x: Extra = {}) => ({
  id,
  points: x.points ?? 1,
  breakIt: x.breakIt ?? false,
  ...(x.hint ? { hint: x.hint } : {}),
  ...(x.step ? { step: x.step } : {}),
  ...(x.title ? { title: x.title } : {}),
});

/** "must reach": `a` pings `b`. */
export const reachCheck = (a: string, b: string, taken: Iterable<string> = [], x?: Extra): ActivityCheck => ({
  ...base(freshCheckId(`reach-${a}-${b}`, taken), x),
  kind: 'reach',
  from: a,
  to: b,
});
/** "must not reach". */
const noReachCheck = (a: string, b: string, taken: Iterable<string> = [], x?: Extra): ActivityCheck => ({
  ...base(freshCheckId(`no-reach-${a}-${b}`, taken), x),
  kind: 'no-reach',
  from: a,
  to: b,
});
/** "must be up/down" for an interface of a node. */
const ifaceStateCheck = (
  node: string,
  ifname: string,
  up: boolean,
  taken: Iterable<string> = [],
  x?: Extra,
): ActivityCheck => ({
  ...base(freshCheckId(`${up ? 'up' : 'down'}-${node}-${ifname}`, taken), x),
  kind: 'iface-state',
  node,
  ifname,
  up,
});
/** "has this address". */
const addressCheck = (
  node: string,
  address: string,
  ifname?: string,
  taken: Iterable<string> = [],
  x?: Extra,
): ActivityCheck => ({
  ...base(freshCheckId(`addr-${node}-${address}`, taken), x),
  kind: 'address',
  node,
  address,
  ...(ifname ? { ifname } : {}),
});
/** "has a route". */
export const routeCheck = (
  node: string,
  to: string,
  via?: string,
  taken: Iterable<string> = [],
  x?: Extra,
): ActivityCheck => ({
  ...base(freshCheckId(`route-${node}-${to}`, taken), x),
  kind: 'route',
  node,
  to,
  ...(via ? { via } : {}),
});
/** "the bridge learned node's MAC". */
const fdbCheck = (bridge: string, node: string, taken: Iterable<string> = [], x?: Extra): ActivityCheck => ({
  ...base(freshCheckId(`fdb-${bridge}-${node}`, taken), x),
  kind: 'fdb',
  bridge,
  node,
});
/** "goes through these routers". */
const pathCheck = (
  from: string,
  to: string,
  via: string[],
  taken: Iterable<string> = [],
  x?: Extra,
): ActivityCheck => ({ ...base(freshCheckId(`path-${from}-${to}`, taken), x), kind: 'path', from, to, via });

/** What the teacher has selected on the canvas. */
export interface Selection {
  nodes: string[];
  /** A link end, when an interface is selected. */
  end?: { linkId: string; end: 'a' | 'b' };
}

/** A check the editor offers for a selection, with its button label. */
export interface Suggestion {
  label: string;
  check: ActivityCheck;
}

/**
 * The checks that make sense for a selection: two namespaces → must reach /
 * must not reach (both ways); a bridge and a namespace → FDB learned; a link
 * end → up / down / has its address; a namespace, routers and a namespace →
 * the path through the routers.
 */
export function suggestChecks(t: Topology, sel: Selection, taken: Iterable<string> = []): Suggestion[] {
  const ids = [...taken];
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const netns = sel.nodes.filter((id) => {
    const n = byId.get(id);
    return !!n && isNetnsNode(n);
  });
  const out: Suggestion[] = [];
  if (sel.end) {
    const link = t.links.find((l) => l.id === sel.end!.linkId);
    const e = link?.[sel.end.end];
    if (e) {
      out.push({ label: `${e.ifname} must be down`, check: ifaceStateCheck(e.node, e.ifname, false, ids) });
      out.push({ label: `${e.ifname} must be up`, check: ifaceStateCheck(e.node, e.ifname, true, ids) });
      for (const a of e.addresses)
        out.push({ label: `${e.ifname} must have ${a}`, check: addressCheck(e.node, a, e.ifname, ids) });
    }
  }
  const plainNetns = netns.filter((id) => byId.get(id)?.kind === 'namespace');
  if (sel.nodes.length === 2 && netns.length === 2) {
    const [a, b] = netns;
    out.push(
      { label: `${a} must reach ${b}`, check: reachCheck(a, b, ids) },
      { label: `${a} must not reach ${b}`, check: noReachCheck(a, b, ids) },
    );
  }
  const bridges = sel.nodes.filter((id) => byId.get(id)?.kind === 'bridge');
  if (bridges.length === 1 && netns.length === 1)
    out.push({
      label: `${bridges[0]} must learn ${netns[0]}'s MAC`,
      check: fdbCheck(bridges[0], netns[0], ids),
    });
  const routers = sel.nodes.filter((id) => byId.get(id)?.kind === 'router');
  if (plainNetns.length === 2 && routers.length >= 1) {
    const [a, b] = plainNetns;
    out.push({
      label: `${a} must reach ${b} through ${routers.join(', ')}`,
      check: pathCheck(a, b, routers, ids),
    });
  }
  return out;
}

/**
 * Authoring problems of an activity and its key: duplicate check ids, checks
 * or locks naming nodes/links the starting topology lacks, RTT checks with no
 * bound, a key for another activity. Paths point into the activity file
 * (`activity.checks.N`) or into the key (`key.checks.N`).
 */
export function validateActivity(t: Topology, key?: ActivityKey): Problem[] {
  const out: Problem[] = [];
  const p = (message: string, path: (string | number)[], severity: Problem['severity'] = 'error') =>
    out.push({ code: 'activity-invalid', severity, message, path });
  if (!t.activity)
    return [
      {
        code: 'activity-missing',
        severity: 'error',
        message: 'the file has no "activity:" block: it is a topology, not an activity',
        path: ['activity'],
      },
    ];
  if (key && key.activity !== t.name)
    p(`the answer key is for activity "${key.activity}", but this activity is "${t.name}"`, [
      'key',
      'activity',
    ]);
  const nodes = new Set(t.nodes.map((n) => n.id));
  const links = new Set(t.links.map((l) => l.id));
  const { locked } = t.activity;
  locked.nodes.forEach(
    (id, i) =>
      !nodes.has(id) &&
      p(`locked node "${id}" is not in the starting topology`, ['activity', 'locked', 'nodes', i]),
  );
  locked.links.forEach(
    (id, i) =>
      !links.has(id) &&
      p(`locked link "${id}" is not in the starting topology`, ['activity', 'locked', 'links', i]),
  );
  locked.fields.forEach((f, i) => {
    if ((f.node === undefined) === (f.link === undefined))
      p('a field lock names exactly one of "node" or "link"', ['activity', 'locked', 'fields', i]);
    else if (f.node !== undefined && !nodes.has(f.node))
      p(`field lock on node "${f.node}", which is not in the starting topology`, [
        'activity',
        'locked',
        'fields',
        i,
      ]);
    else if (f.link !== undefined && !links.has(f.link))
      p(`field lock on link "${f.link}", which is not in the starting topology`, [
        'activity',
        'locked',
        'fields',
        i,
      ]);
  });
  const seen = new Map<string, string>();
  const steps = t.lesson?.steps.length ?? 0;
  const each = (list: ActivityCheck[], where: string) =>
    list.forEach((c, i) => {
      const path = [where, 'checks', i];
      if (seen.has(c.id)) p(`check id "${c.id}" is used twice (also in ${seen.get(c.id)})`, path);
      seen.set(c.id, `${where}.checks.${i}`);
      if (c.kind === 'rtt' && c.atLeastMs === undefined && c.atMostMs === undefined)
        p(`rtt check "${c.id}" needs atLeastMs or atMostMs`, path);
      if (c.kind === 'fdb' && !c.node === !c.mac)
        p(`fdb check "${c.id}" names exactly one of "node" or "mac"`, path);
      if (c.step !== undefined && c.step > steps)
        p(
          `check "${c.id}" belongs to step ${c.step}, but the lesson has ${steps} step${steps === 1 ? '' : 's'}`,
          path,
        );
      // Nodes the student may add are unknown here: a check naming them is only a warning.
      for (const id of referencedNodes(c))
        if (!nodes.has(id))
          p(
            `check "${c.id}" names node "${id}", which is not in the starting topology (the student must add it with that id)`,
            path,
            'warning',
          );
    });
  each(t.activity.checks, 'activity');
  if (key) each(key.checks, 'key');
  return out;
}

/** Node ids a check names (targets given as addresses are left out). */
export function referencedNodes(c: ActivityCheck): string[] {
  const isAddr = (s: string) => /^[0-9.]+$|:/.test(s);
  switch (c.kind) {
    case 'reach':
    case 'no-reach':
    case 'rtt':
      return [c.from, ...(isAddr(c.to) ? [] : [c.to])];
    case 'path':
      return [c.from, ...(isAddr(c.to) ? [] : [c.to]), ...c.via];
    case 'vlan-isolation':
      return [c.from, c.same, c.other];
    case 'route':
    case 'address':
    case 'iface-state':
      return [c.node];
    case 'fdb':
      return [c.bridge, ...(c.node ? [c.node] : [])];
  }
}
