/**
 * One containerlab node with its inherited settings, merged as containerlab
 * merges them (types/topology.go): the kind is the node's, else its group's,
 * else the defaults' group's, else the defaults'; the group is the node's,
 * else its kind's, else the defaults'; a field comes from the node, else that
 * group, else that kind, else `defaults`; `exec` lines of all four are joined
 * (defaults first, duplicates once); `labels`, `env` and `sysctls` merge key
 * by key. Every field and exec line remembers the line it was written on, so
 * a warning about an inherited setting points at the inherited line.
 *
 * `stages` (types/stages.go) merge stage by stage, each layer's exec entries
 * appended after the ones before (no duplicates dropped), and run where
 * containerlab's deploy runs them (core/clab.go scheduleNodeWorkerF): create
 * on-exit, create-links on-enter and on-exit, configure on-enter and on-exit,
 * then the node's `exec`, then healthy on-enter, and healthy on-exit for a
 * node with a healthcheck (the stage ends when it passes; without one it never
 * does). The first two run before the node's links exist (their interfaces
 * are then missing: clab-import-nodes.ts drops the commands about them). What cannot end
 * up in the running lab is not run and said: a command for the host (target:
 * host), the create stage's on-enter commands (the container does not exist
 * yet, so they fail), the exit stage (it runs only while the node stops), and
 * entries containerlab would never run (an unknown phase or target).
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
  /**
   * Exec lines with the place each was written, the stages' (see the top) in
   * the order a deploy runs them; `early` for those that run before
   * containerlab has made the node's links (create on-exit, create-links
   * on-enter): there the links' interfaces do not exist yet.
   */
  exec: { text: string; path: DocPath; early?: boolean }[];
  /** Sysctls with the place each was written. */
  sysctls: { key: string; value: string; path: DocPath }[];
  /** Stage exec commands that are not run, each with why (see the top). */
  stageNotes: { message: string; path: DocPath }[];
}

/** The stages in the order a deploy goes through them. */
const STAGES = ['create', 'create-links', 'configure', 'healthy', 'exit'] as const;
type Stage = (typeof STAGES)[number];
type Phase = 'on-enter' | 'on-exit';
interface StageExec {
  text: string;
  path: DocPath;
  stage: Stage;
  phase: Phase;
}

/**
 * The exec entries of one layer's `stages`: those containerlab runs in the
 * container, and a note for each of the others.
 */
function stageExecs(stages: unknown, path: DocPath, notes: ResolvedNode['stageNotes']): StageExec[] {
  if (stages === undefined || stages === null) return [];
  if (!isObject(stages)) {
    notes.push({
      message: 'stages should be a mapping of stage names (create, configure, …); it is not read',
      path,
    });
    return [];
  }
  const out: StageExec[] = [];
  for (const [name, body] of Object.entries(stages)) {
    const here: DocPath = [...path, name];
    if (!(STAGES as readonly string[]).includes(name)) {
      notes.push({
        message: `stage "${name}" is not one containerlab has (${STAGES.join(', ')}); it is not read`,
        path: here,
      });
      continue;
    }
    const stage = name as Stage;
    if (body === null || body === undefined) continue;
    if (!isObject(body)) {
      notes.push({
        message: `stage ${stage} should be a mapping (wait-for, exec); containerlab refuses the file, and it is not read`,
        path: here,
      });
      continue;
    }
    for (const k of Object.keys(body))
      if (k !== 'wait-for' && k !== 'exec')
        notes.push({
          message: `stage ${stage} has "${k}", which containerlab does not know (wait-for, exec): it refuses the file; "${k}" is not read`,
          path: [...here, k],
        });
    if (body.exec === undefined || body.exec === null) continue; // wait-for alone: only the order of a deploy
    if (!Array.isArray(body.exec)) {
      notes.push({
        message: `the exec of stage ${stage} should be a list of commands; it is not read`,
        path: [...here, 'exec'],
      });
      continue;
    }
    body.exec.forEach((e, i) => {
      const at: DocPath = [...here, 'exec', i];
      const command = isObject(e) ? e.command : undefined;
      if (typeof command !== 'string' || command.trim() === '') {
        notes.push({
          message: `an exec entry of stage ${stage} has no command (command: …); it is not read`,
          path: at,
        });
        return;
      }
      const unknown = Object.keys(e as Plain).filter(
        (k) => k !== 'command' && k !== 'target' && k !== 'phase',
      );
      if (unknown.length) {
        notes.push({
          message: `"${command}" has ${unknown.map((k) => `"${k}"`).join(', ')}, which containerlab does not know (command, target, phase): it refuses the file; the command is not run`,
          path: [...at, unknown[0]],
        });
        return;
      }
      const phase = isObject(e) && e.phase !== undefined && e.phase !== '' ? e.phase : 'on-enter';
      const target = isObject(e) && e.target !== undefined && e.target !== '' ? e.target : 'container';
      const cmd = [...at, 'command'];
      if (phase !== 'on-enter' && phase !== 'on-exit')
        notes.push({
          message: `"${command}" has phase ${JSON.stringify(phase)}, which containerlab never runs (on-enter or on-exit); it is not run`,
          path: cmd,
        });
      else if (target === 'host')
        notes.push({
          message: `"${command}" runs on the containerlab host (target: host), and netplumb never changes the host; it is not run`,
          path: cmd,
        });
      else if (target !== 'container')
        notes.push({
          message: `"${command}" has target ${JSON.stringify(target)}, which containerlab never runs (container or host); it is not run`,
          path: cmd,
        });
      else if (stage === 'exit')
        notes.push({
          message: `"${command}" belongs to the exit stage, which runs only while the node stops; it is not run`,
          path: cmd,
        });
      else if (stage === 'create' && phase === 'on-enter')
        notes.push({
          message: `"${command}" runs on entering the create stage, before containerlab creates the container, so it fails there; it is not run`,
          path: cmd,
        });
      else out.push({ text: command, path: cmd, stage, phase });
    });
  }
  return out;
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
  const staged: StageExec[] = [];
  const stageNotes: ResolvedNode['stageNotes'] = [];
  const sysctls = new Map<string, { key: string; value: string; path: DocPath }>();
  for (const [layer, path] of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (k === 'stages') staged.push(...stageExecs(v, [...path, 'stages'], stageNotes));
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
  // In the order of a deploy: stage by stage, on-enter before on-exit, the node's exec after configure.
  const at = (stage: Stage, phase: Phase) =>
    staged.filter((e) => e.stage === stage && e.phase === phase).map(({ text, path }) => ({ text, path }));
  const early = (l: { text: string; path: DocPath }) => ({ ...l, early: true });
  // The healthy stage is left only when the node's healthcheck passes; without one, never.
  const healthy = cfg.healthcheck !== undefined && cfg.healthcheck !== null;
  if (!healthy)
    for (const l of at('healthy', 'on-exit'))
      stageNotes.push({
        message: `"${l.text}" runs when the node turns healthy (healthy on-exit), which a node without a healthcheck never does; it is not run`,
        path: l.path,
      });
  const ordered = [
    ...at('create', 'on-exit').map(early),
    ...at('create-links', 'on-enter').map(early),
    ...at('create-links', 'on-exit'),
    ...at('configure', 'on-enter'),
    ...at('configure', 'on-exit'),
    ...exec,
    ...at('healthy', 'on-enter'),
    ...(healthy ? at('healthy', 'on-exit') : []),
  ];
  return { name, kind, cfg, from, exec: ordered, sysctls: [...sysctls.values()], stageNotes };
}
