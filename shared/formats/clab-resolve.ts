/**
 * One containerlab node with its inherited settings, merged as containerlab
 * merges them (types/topology.go): the kind is the node's, else its group's,
 * else the defaults' group's, else the defaults'; the group is the node's,
 * else its kind's, else the defaults'; a field comes from the node, else that
 * group, else that kind, else `defaults`; `exec` lines of all four are joined
 * (defaults first, duplicates once); `labels`, `env` and `sysctls` merge key
 * by key. Every field and exec line remembers the line it was written on, so
 * a warning about an inherited setting points at the inherited line.
 */
import type { DocPath } from './document';

type Plain = Record<string, unknown>;
export const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A node after inheritance. */
export interface ResolvedNode {
  name: string;
  kind: string;
  cfg: Plain;
  /** Where each merged field came from. */
  from: Record<string, DocPath>;
  /** Exec lines with the place each was written. */
  exec: { text: string; path: DocPath }[];
  /** Sysctls with the place each was written. */
  sysctls: { key: string; value: string; path: DocPath }[];
}

const BY_KEY = new Set(['labels', 'env', 'sysctls']);

/** Merges node `name` with its group, kind and the defaults. */
export function resolveNode(name: string, raw: unknown, topo: Plain): ResolvedNode {
  const node = isObject(raw) ? raw : {};
  const defaults = isObject(topo.defaults) ? topo.defaults : {};
  const groups = isObject(topo.groups) ? topo.groups : {};
  const kinds = isObject(topo.kinds) ? topo.kinds : {};
  const named = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const groupOf = (g: string | undefined) => (g !== undefined && isObject(groups[g]) ? groups[g] : undefined);
  // The kind: the node's, else its own group's, else the defaults' group's, else the defaults'.
  const kind = String(
    named(node.kind) ??
      named(groupOf(named(node.group))?.kind) ??
      named(groupOf(named(defaults.group))?.kind) ??
      named(defaults.kind) ??
      'linux',
  );
  const kindCfg = isObject(kinds[kind]) ? (kinds[kind] as Plain) : {};
  // The group: the node's, else its kind's, else the defaults'.
  const groupName = named(node.group) ?? named(kindCfg.group) ?? named(defaults.group);
  const group = groupOf(groupName) ?? {};
  const layers: [Plain, DocPath][] = [
    [defaults, ['topology', 'defaults']],
    [kindCfg, ['topology', 'kinds', kind]],
    [group, ['topology', 'groups', groupName ?? '']],
    [node, ['topology', 'nodes', name]],
  ];
  const cfg: Plain = {};
  const from: Record<string, DocPath> = {};
  const exec: ResolvedNode['exec'] = [];
  const sysctls = new Map<string, { key: string; value: string; path: DocPath }>();
  for (const [layer, path] of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (k === 'exec' && Array.isArray(v)) {
        v.forEach((l, i) => {
          const text = typeof l === 'string' ? l : JSON.stringify(l);
          if (!exec.some((e) => e.text === text)) exec.push({ text, path: [...path, 'exec', i] });
        });
      }
      if (k === 'sysctls' && isObject(v))
        for (const [sk, sv] of Object.entries(v))
          sysctls.set(sk, { key: sk, value: String(sv), path: [...path, 'sysctls', sk] });
      cfg[k] = BY_KEY.has(k) && isObject(v) && isObject(cfg[k]) ? { ...(cfg[k] as Plain), ...v } : v;
      from[k] = [...path, k];
    }
  }
  cfg.kind = kind;
  return { name, kind, cfg, from, exec, sysctls: [...sysctls.values()] };
}
