/**
 * containerlab → netplumb. Nodes are merged with their group, kind and
 * `defaults:` as containerlab merges them (clab-resolve.ts). Kind `linux` and
 * every other container kind become namespaces (routers when their sysctls
 * or exec lines turn forwarding on), with the kind and image kept in
 * `origin` for the way back; `bridge`/`ovs-bridge` become bridges, `host`
 * the host. `network-mode: container:X` puts a node's interfaces (or a
 * bridge) inside X's namespace, `network-mode: host` on the host. Links in
 * both formats carry their addresses (clab-links.ts); interface aliases
 * (`ethernet-1/1` on SR Linux) become the Linux names containerlab gives
 * them. Environment variables are read as containerlab reads them with none
 * set (clab-env.ts). Whatever has no netplumb form is named once, at the line
 * it is written on (an inherited setting at the kind or group that sets it).
 *
 * The steps: the file's shape (here), nodes (clab-import-nodes.ts), links
 * (clab-import-links.ts), over one import state (clab-import-ctx.ts).
 */
import type { Problem } from '../validate/problem';
import { isObject } from './clab-resolve';
import { expandClabEnv } from './clab-env';
import { parseClabLink, unknownKeys } from './clab-links';
import { clabInterfaceAlias } from './clab-aliases';
import { type ClabCtx, error, makeCtx, owner, TEMPLATE, templateMessage, warn } from './clab-import-ctx';
import { importLinks, type ImportedLinks } from './clab-import-links';
import { buildNodes, resolveNodes } from './clab-import-nodes';
import { type DocPath, parseDocumentText } from './document';
import { finishImport, sourceProblem, type ImportResult } from './import-result';
import { labNameFromPath, sanitizeLabName } from './import-names';

export { CLAB_LABEL, DEFAULT_CLAB_IMAGE } from './clab-import-ctx';

/** Keys of the file and of its `topology:` that the import reads. */
const LAB_KEYS = new Set(['name', 'topology']);
const TOPOLOGY_KEYS = new Set(['nodes', 'links', 'kinds', 'groups', 'defaults']);

/** Reads a containerlab topology file (`*.clab.yml`). Never throws. */
export function fromClab(source: string, fileName?: string, opts: { labName?: string } = {}): ImportResult {
  const { text, problems: envProblems } = expandClabEnv(source);
  const parsed = parseDocumentText(text, fileName ?? 'lab.clab.yml');
  // containerlab renders the file as a Go template before it reads the YAML: a file that is YAML
  // only once rendered gets that one message, at its first template, not the YAML parser's noise.
  const lines = text.split(/\r?\n/);
  const line = lines.findIndex((l) => !l.trim().startsWith('#') && TEMPLATE.test(l)) + 1;
  if (parsed.doc === undefined && line > 0) {
    const column = lines[line - 1].search(TEMPLATE) + 1;
    return {
      problems: [sourceProblem('error', 'clab-template', templateMessage('this file'), { line, column })],
    };
  }
  const problems: Problem[] = [...envProblems, ...parsed.problems];
  if (parsed.doc === undefined) return { problems };
  const c = makeCtx(parsed.locate, problems);
  const fail = (message: string, path: DocPath) => (error(c, message, path), { problems });
  const doc = parsed.doc;
  if (!isObject(doc)) return fail('a containerlab file is a mapping with "name" and "topology"', []);
  if (typeof doc.name !== 'string' || doc.name === '') return fail('the lab needs a "name"', ['name']);
  const topo = doc.topology;
  if (!isObject(topo)) return fail('"topology" is missing or not a mapping', ['topology']);
  const nodes = topo.nodes;
  if (!isObject(nodes)) return fail('"topology.nodes" is missing or not a mapping', ['topology', 'nodes']);

  // The management network (mgmt:, a node's mgmt-ipv4) and the container name prefix belong to
  // containerlab's own containers: named once, at their line.
  for (const n of [
    ...unknownKeys(doc, LAB_KEYS, [], 'the lab'),
    ...unknownKeys(topo, TOPOLOGY_KEYS, ['topology'], 'the topology'),
  ])
    warn(c, n.message, n.path);
  resolveNodes(c, topo, nodes);
  const linksRaw = topo.links === undefined || topo.links === null ? [] : topo.links;
  if (!Array.isArray(linksRaw)) return fail('"topology.links" should be a list', ['topology', 'links']);
  noteLinkIfnames(c, linksRaw);
  buildNodes(c);
  const links = importLinks(c, linksRaw);
  return finish(c, links, labNameOf(doc.name, fileName, opts.labName));
}

/**
 * The interfaces each namespace gets from the links (containerlab makes them
 * at its create-links stage): what a node's exec lines find there, and what
 * they cannot make again.
 */
function noteLinkIfnames(c: ClabCtx, linksRaw: readonly unknown[]): void {
  linksRaw.forEach((raw, li) => {
    const p = parseClabLink(raw, li);
    if (p.kind !== 'veth') return;
    for (const e of p.ends) {
      if (e.node === 'host' || !c.resolved.has(e.node)) continue;
      const ifname = clabInterfaceAlias(c.resolved.get(e.node)!.kind, e.ifname) ?? e.ifname;
      const o = owner(c, e.node);
      (c.linkIfnames.get(o) ?? c.linkIfnames.set(o, new Set()).get(o)!).add(ifname);
    }
  });
}

/** Named after the file and folder (two imported files never share a lab); the file's own name when no file is known. */
function labNameOf(docName: string, fileName: string | undefined, asked: string | undefined): string {
  if (asked !== undefined) return sanitizeLabName(asked);
  return fileName ? labNameFromPath(fileName, docName) : sanitizeLabName(docName);
}

/** Validates the draft; the validator's problems point at the containerlab lines the nodes and links came from. */
function finish(c: ClabCtx, { links, linkSrc }: ImportedLinks, labName: string): ImportResult {
  const draft = { version: 1, name: labName, nodes: c.nodes, links };
  return finishImport(draft, c.problems, (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number' && c.nodeSrc[path[1]])
      return c.at(c.nodeSrc[path[1]]);
    if (path[0] === 'links' && typeof path[1] === 'number' && linkSrc[path[1]])
      return c.at([...linkSrc[path[1]], 'endpoints', path[2] === 'b' ? 1 : 0]) ?? c.at(linkSrc[path[1]]);
    if (path[0] === 'name') return c.at(['name']);
    return c.at(['topology']);
  });
}
