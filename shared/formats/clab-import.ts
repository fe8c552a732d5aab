/**
 * containerlab → netplumb. Nodes are merged with their group, kind and
 * `defaults:` as containerlab merges them (clab-resolve.ts). Kind `linux` and
 * every other container kind become namespaces (routers when their sysctls
 * or exec lines turn forwarding on), with the kind and image kept in
 * `origin` for the way back; `bridge`/`ovs-bridge` become bridges, `host`
 * the host. `network-mode: container:X` puts a node's interfaces (or a
 * bridge) inside X's namespace, `network-mode: host` on the host. Links in
 * both formats carry their addresses (clab-links.ts) and the MTU containerlab
 * gives them (the link's own, else 9500); interface aliases (`ethernet-1/1`
 * on SR Linux, `Ethernet0/1` on IOL: clab-aliases.ts) become the Linux names
 * containerlab gives them, and a name Linux cannot take is shortened, with a
 * word (clab-import-links.ts). Environment variables are read as containerlab
 * reads them with none set (clab-env.ts); so are yaml.v2's comments with no
 * space before them (spaceCommentsAfterTokens). Whatever has no netplumb form
 * is named once, at the line it is written on (an inherited setting at the
 * kind or group that sets it); so is a lab name other than the file's.
 *
 * The steps: the file's shape (here), nodes (clab-import-nodes.ts), links
 * (clab-import-links.ts), over one import state (clab-import-ctx.ts).
 */
import { Lexer } from 'yaml';
import type { Problem } from '../validate/problem';
import { isObject } from './clab-resolve';
import { expandClabEnv } from './clab-env';
import { unknownKeys } from './clab-links';
import { type ClabCtx, error, makeCtx, TEMPLATE, templateMessage, warn } from './clab-import-ctx';
import { importLinks, nameEnds, type ImportedLinks } from './clab-import-links';
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
  const parsed = parseDocumentText(spaceCommentsAfterTokens(text), fileName ?? 'lab.clab.yml');
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
  // The interfaces each namespace gets from the links (containerlab makes them at its create-links
  // stage): what a node's exec lines find there, and what they cannot make again.
  nameEnds(c, linksRaw);
  buildNodes(c);
  const links = importLinks(c, linksRaw);
  return finish(c, links, labNameOf(c, doc.name, fileName, opts.labName));
}

/**
 * Named after the file and folder (two imported files never share a lab); the
 * file's own name when no file is known. A name other than the file's `name:`
 * is said, at that line, unless the caller asked for it or the file gives no
 * lab anyway (it has errors).
 */
function labNameOf(
  c: ClabCtx,
  docName: string,
  fileName: string | undefined,
  asked: string | undefined,
): string {
  if (asked !== undefined) return sanitizeLabName(asked);
  const name = fileName ? labNameFromPath(fileName, docName) : sanitizeLabName(docName);
  if (name === docName || c.problems.some((p) => p.severity === 'error')) return name;
  const own = sanitizeLabName(docName);
  const why =
    fileName && name !== own
      ? 'netplumb names an imported lab after its file and folder, so that two imported files never share a lab'
      : 'lab names are lowercase letters, digits, "-", "_" and "." (at most 32)';
  warn(
    c,
    `the lab is called "${name}" and not "${docName}" (the file's "name:"): ${why}${own !== name ? `; to keep the file's name, import it with the lab name "${own}"` : ''}`,
    ['name'],
    'clab-lab-name',
  );
  return name;
}

/** Validates the draft; the validator's problems point at the containerlab lines the nodes and links came from. */
function finish(c: ClabCtx, { links, linkSrc }: ImportedLinks, labName: string): ImportResult {
  const draft = { version: 1, name: labName, nodes: c.nodes, links };
  const names = new Map([...c.byName].map(([name, n]) => [n, name]));
  return finishImport(draft, c.problems, (path) => {
    const line = execLineOf(c, names, path);
    if (line) return c.at(line);
    if (path[0] === 'nodes' && typeof path[1] === 'number' && c.nodeSrc[path[1]])
      return c.at(c.nodeSrc[path[1]]);
    if (path[0] === 'links' && typeof path[1] === 'number' && linkSrc[path[1]])
      return c.at([...linkSrc[path[1]], 'endpoints', path[2] === 'b' ? 1 : 0]) ?? c.at(linkSrc[path[1]]);
    if (path[0] === 'name') return c.at(['name']);
    return c.at(['topology']);
  });
}

/**
 * The exec line a node's route, gateway or sysctl came from (the node's own,
 * or one it inherits from its kind, group or defaults), for a problem about
 * it; undefined for anything else.
 */
function execLineOf(c: ClabCtx, names: ReadonlyMap<unknown, string>, path: DocPath): DocPath | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  const name = names.get(c.nodes[path[1]]);
  const cfg = name === undefined ? undefined : c.configs.get(name);
  const lines = name === undefined ? undefined : c.lineSrc.get(name);
  if (!cfg || !lines) return undefined;
  const [, , field, key] = path;
  const index =
    field === 'routes' && typeof key === 'number'
      ? cfg.routeLines[key]?.index
      : field === 'gateway' && (key === 'ipv4' || key === 'ipv6')
        ? cfg.gatewayLines[key]
        : field === 'sysctls' && typeof key === 'string'
          ? cfg.sysctlLines[key]
          : undefined;
  return index === undefined ? undefined : lines[index]?.path;
}

/**
 * The text with a space before each comment that directly follows the end of
 * a flow collection or a quoted scalar (`- endpoints: ["a:e1", "b:e1"]#note`).
 * containerlab reads its files with gopkg.in/yaml.v2, whose scanner starts a
 * comment at any "#" between tokens; the YAML library here wants white space
 * before it, as the YAML spec does. The tokens come from that library's own
 * lexer, so a "#" inside a quoted or block scalar, or in a plain scalar
 * (`a]#b`), is never touched. Only the comment moves one column to the right:
 * every position the parser or a warning names is where it was.
 */
export function spaceCommentsAfterTokens(text: string): string {
  if (!/[\]}"']#/.test(text)) return text;
  const at: number[] = [];
  let length = 0;
  let prev = '';
  // The tokens are the text cut up; should they ever not be, the text is read as written.
  for (const tok of new Lexer().lex(text)) {
    if (LEXER_MARKS.has(tok)) continue;
    if (!text.startsWith(tok, length)) return text;
    const closes = prev === ']' || prev === '}' || prev.startsWith('"') || prev.startsWith("'");
    if (tok.startsWith('#') && closes) at.push(length);
    length += tok.length;
    prev = tok;
  }
  if (length !== text.length) return text;
  // One pass: inserting each space into the whole text copied it once per comment.
  const parts: string[] = [];
  let from = 0;
  for (const i of at) {
    parts.push(text.slice(from, i));
    from = i;
  }
  parts.push(text.slice(from));
  return parts.join(' ');
}

/** The marks the YAML lexer adds between the pieces of the text (document, flow error end, scalar). */
const LEXER_MARKS = new Set(['\x02', '\x18', '\x1f']);
