/**
 * Shell-script export: a readable bash script that builds the lab without
 * netplumb (`./lab.sh up`, `./lab.sh down`, `./lab.sh status`). Its commands
 * are the planner's own, from an empty host, so the script carries the same
 * ownership marks: after `up`, `netplumb status` reports in sync and
 * `netplumb destroy` removes it; `down` removes only what carries the marks.
 */
import type { Topology } from '../model';
import { isNetnsNode } from '../model';
import { makeMark, plan, resolve, ROOT_NS, type Change } from '../plan';
import { nodeNamespace } from '../plan/resolve';
import { linkKind } from '../kinds';
import { CONTROL } from '../util/visible';

/** Quotes a word for bash when it needs it. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
const cmd = (argv: readonly string[]) => argv.map(shellWord).join(' ');

/** Which commented block a change belongs to: a node's, a link's, or the routes of a node. */
function blockOf(c: Change): { key: string; rank: number } {
  if (c.target.linkId)
    return {
      key: `link:${c.target.linkId}`,
      rank: c.target.kind === 'vlan' || c.target.kind === 'netem' ? 3 : 1,
    };
  if (c.target.kind === 'route') return { key: `routes:${c.target.nodeId}`, rank: 2 };
  return { key: `node:${c.target.nodeId ?? c.ns}`, rank: 0 };
}

export interface ShellOptions {
  /** The file the script was made from, named in its header. */
  source?: string;
  version?: string;
}

/**
 * Text for one `#` comment line: a control character (a newline above all,
 * which would end the comment and make the rest a command), DEL, C1 or a
 * line/paragraph separator becomes "?". A file's name may hold any of them.
 */
export const commentText = (text: string): string => text.replace(CONTROL, '?');

/** The script text. */
export function toShellScript(t: Topology, opts: ShellOptions = {}): string {
  const r = resolve(t);
  const changes = plan(r, {
    namespaces: { [ROOT_NS]: { name: ROOT_NS, sysctls: {}, ifaces: {}, routes: [] } },
  }).changes;
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const order = new Map<string, number>();
  t.nodes.forEach((n, i) => order.set(`node:${n.id}`, i));
  t.links.forEach((l, i) => order.set(`link:${l.id}`, i));
  t.nodes.forEach((n, i) => order.set(`routes:${n.id}`, i));
  const sorted = [...changes].sort((x, y) => {
    const a = blockOf(x);
    const b = blockOf(y);
    return a.rank - b.rank || (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0) || x.step - y.step;
  });

  const title = (key: string): string => {
    const [kind, id] = key.split(/:(.*)/s);
    if (kind === 'link') {
      const l = t.links.find((x) => x.id === id)!;
      const end = (e: typeof l.a) => `${e.ifname} on ${byId.get(e.node)?.name ?? e.node}`;
      return `Link ${id}: ${linkKind(l).label} ${end(l.a)} <-> ${end(l.b)}`;
    }
    const n = byId.get(id);
    if (kind === 'routes') return `Routes of ${n?.name ?? id}`;
    if (!n) return `Namespace ${id}`;
    if (n.kind === 'bridge')
      return `Bridge ${n.name}${n.namespace ? ` (inside ${byId.get(n.namespace)?.name})` : ' (root namespace)'}`;
    return `${n.kind === 'router' ? 'Router' : 'Namespace'} ${n.name}`;
  };

  const up: string[] = [];
  let current = '';
  for (const c of sorted) {
    const key = blockOf(c).key;
    if (key !== current) {
      current = key;
      up.push('', `  # --- ${title(key)} ---`);
    }
    up.push(`  ${cmd(c.argv)}`);
  }

  // down: root-namespace interfaces first (checked for the mark), then namespaces (checked via lo).
  const labMark = makeMark(t.name);
  const down: string[] = [];
  for (const [ns, k] of Object.entries(r.state.namespaces)) {
    if (ns !== ROOT_NS) continue;
    for (const i of Object.values(k.ifaces))
      if (i.mark) down.push(`  delete_link '' ${shellWord(i.name)} ${shellWord(i.mark)}`);
  }
  for (const n of t.nodes) {
    if (n.kind === 'bridge' && nodeNamespace(n, byId) !== ROOT_NS) continue; // goes with its namespace
    if (isNetnsNode(n)) down.push(`  delete_netns ${shellWord(n.name)}`);
  }
  const namespaces = t.nodes.filter(isNetnsNode).map((n) => shellWord(n.name));

  return `#!/usr/bin/env bash
# netplumb lab "${t.name}"${opts.source ? ` — generated from ${commentText(opts.source)}` : ''}${opts.version ? ` by netplumb ${opts.version}` : ''}.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./${t.name}.sh up       create it
#   sudo ./${t.name}.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./${t.name}.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias ${labMark}:... and every namespace
# carries ${labMark} on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy ${t.name}" removes it.
set -euo pipefail

LAB=${shellWord(t.name)}
MARK=${shellWord(labMark)}

up() {${up.join('\n')}
}

# Deletes interface $2 in namespace $1 ('' = root) only if it carries mark $3.
delete_link() {
  local ns=$1 dev=$2 mark=$3
  local nsarg=()
  [ -n "$ns" ] && nsarg=(-n "$ns")
  if ip "\${nsarg[@]}" -j link show dev "$dev" 2>/dev/null | grep -qF "\\"ifalias\\":\\"$mark\\""; then
    ip "\${nsarg[@]}" link delete dev "$dev"
  fi
}

# Deletes namespace $1 only if its lo carries the lab's mark.
delete_netns() {
  local ns=$1
  if ip -n "$ns" -j link show dev lo 2>/dev/null | grep -qF "\\"ifalias\\":\\"$MARK\\""; then
    ip netns delete "$ns"
  fi
}

down() {
${down.join('\n')}
}

status() {
  local ns
  for ns in ${namespaces.join(' ')}; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "\${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
`;
}
