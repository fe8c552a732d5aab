/**
 * Writing topology files. YAML comes out short and hand-written-looking
 * (defaults omitted, positions and address lists inline). When the text the
 * file was opened from is given, that YAML document is edited in place: only
 * values that changed are touched, so comments, blank lines, quoting and key
 * order survive wherever the content did not change.
 */
import {
  Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
  visit,
  type YAMLMap,
} from 'yaml';
import type { Topology } from '../model';
import { compactTopology, orderKeys } from './compact';
import type { TextFormat } from './document';

/** Options of serializeTopology. */
export interface SerializeOptions {
  format: TextFormat;
  /** The YAML text the document was loaded from; its comments and layout are kept. */
  original?: string;
}

type Plain = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

const FLOW_KEYS = new Set(['a', 'b', 'gateway', 'position', 'vlans', 'netem']);
const FLOW_ITEMS = new Set(['routes', 'expect']);
const FLOW_MAX = 100;

/** True when a map holds only scalars or lists of scalars (it reads well on one line). */
function isFlat(m: YAMLMap): boolean {
  return m.items.every(
    (p) =>
      isScalar(p.value) ||
      (isSeq(p.value) && p.value.items.every((i) => isScalar(i))) ||
      (isMap(p.value) && p.value.flow),
  );
}

/**
 * Inline style for small things, as people write them by hand: positions,
 * link ends, gateways, routes, expectations and lists of scalars, when they
 * fit on a line.
 */
function styleFlow(node: unknown): void {
  visit(node as YamlNode, {
    Seq(_, s) {
      if (s.items.length > 0 && s.items.every((i) => isScalar(i))) s.flow = true;
    },
  });
  visit(node as YamlNode, {
    Pair(_, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const v = pair.value;
      const short = (x: unknown) => JSON.stringify(x).length <= FLOW_MAX;
      if (FLOW_KEYS.has(key) && isMap(v)) {
        // Inner maps first (vlans inside an end), then the end itself.
        for (const p of v.items)
          if (isMap(p.value) && isFlat(p.value) && short(p.value.toJSON())) p.value.flow = true;
        if (isFlat(v) && short(v.toJSON())) v.flow = true;
      }
      if (FLOW_ITEMS.has(key) && isSeq(v)) {
        for (const item of v.items) if (isMap(item) && isFlat(item) && short(item.toJSON())) item.flow = true;
      }
      void path;
    },
  });
}

/** Does the original put `- ` of a sequence at the same indent as its parent key? */
function detectIndentSeq(text: string): boolean {
  const m = /^([ \t]*)[^\s#-][^\n]*:[ \t]*\r?\n(?:[ \t]*#[^\n]*\r?\n)*([ \t]*)- /m.exec(text);
  return !m || m[2].length > m[1].length;
}

const keyOf = (p: unknown): string | undefined =>
  isPair(p) && isScalar(p.key) ? String(p.key.value) : undefined;

function identity(item: unknown, index: number, parentKey: string | undefined): string | undefined {
  if (!isMap(item)) return undefined;
  const id = item.get('id');
  if (typeof id === 'string') return id;
  const name = item.get('name');
  if (parentKey === 'nodes' && typeof name === 'string') return name;
  if (parentKey === 'links') return `link${index + 1}`;
  return undefined;
}

/**
 * Makes `node` (from the original document) hold `full`, reusing the YAML
 * nodes of everything unchanged. `compact` is `full` with defaults left out
 * (same shape): it decides what newly added keys look like.
 */
function update(doc: Document, node: unknown, full: unknown, compact: unknown, parentKey?: string): unknown {
  if (isPlainObject(full) && isMap(node)) {
    const c = isPlainObject(compact) ? compact : full;
    for (const pair of [...node.items]) {
      const k = keyOf(pair);
      if (k === undefined) continue;
      if (full[k] === undefined) node.delete(pair.key);
      else pair.value = update(doc, pair.value, full[k], c[k] ?? full[k], k) as typeof pair.value;
    }
    const order = orderKeys(Object.keys(full));
    for (const k of Object.keys(c)) {
      if (node.items.some((p) => keyOf(p) === k)) continue;
      const created = doc.createNode(c[k]);
      styleFlow(created);
      const pair = doc.createPair(k, created);
      const later = order.slice(order.indexOf(k) + 1);
      const at = node.items.findIndex((p) => later.includes(keyOf(p) ?? ''));
      if (at < 0) node.items.push(pair);
      else node.items.splice(at, 0, pair);
    }
    return node;
  }
  if (Array.isArray(full) && isSeq(node)) {
    const c = Array.isArray(compact) ? compact : full;
    const old = node.items.map((it, i) => ({ it, id: identity(it, i, parentKey), used: false }));
    node.items = full.map((fv, i) => {
      const fid = isPlainObject(fv) && typeof fv.id === 'string' ? fv.id : undefined;
      let match = fid !== undefined ? old.find((o) => !o.used && o.id === fid) : undefined;
      if (!match && fid === undefined && old[i] && !old[i].used) match = old[i];
      if (match) {
        match.used = true;
        return update(doc, match.it, fv, c[i]) as (typeof node.items)[number];
      }
      const created = doc.createNode(c[i] ?? fv);
      styleFlow(created);
      return created;
    });
    return node;
  }
  if (isScalar(node) && (full === null || typeof full !== 'object')) {
    if (node.value !== full) node.value = full;
    return node;
  }
  // The kind of value changed (e.g. a scalar became a list): build it anew, keep its comments.
  const created = doc.createNode(compact ?? full) as YamlNode;
  styleFlow(created);
  if (node && typeof node === 'object') {
    const n = node as { commentBefore?: string | null; comment?: string | null; spaceBefore?: boolean };
    Object.assign(created, {
      commentBefore: n.commentBefore,
      comment: n.comment,
      spaceBefore: n.spaceBefore,
    });
  }
  return created;
}

/** A replacement of the text between two offsets. */
interface Edit {
  from: number;
  to: number;
  text: string;
}

/** How a new scalar value is written where the old one stood, keeping the old quoting. */
function scalarText(node: { type?: string }, value: unknown, inFlow: boolean): string | null {
  if (value === null) return 'null';
  if (typeof value !== 'string')
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
  if (node.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (node.type !== 'PLAIN') return null;
  // Plain only when it reads back as the same string (not a number, bool, or YAML syntax).
  const unsafe = inFlow ? /[,[\]{}]/ : /$^/;
  if (/^[A-Za-z0-9_./$()@~+-][^\n#]*$/.test(value) && !/[:]\s|\s$/.test(value) && !unsafe.test(value)) {
    try {
      if (parseDocument(value, { logLevel: 'error' }).toJS() === value) return value;
    } catch {
      /* fall through to quoting */
    }
  }
  return JSON.stringify(value);
}

/**
 * The edits that turn the original into `full` when only scalar values
 * changed (no key or item added, removed or reordered); null otherwise.
 * Splicing these into the text keeps every other byte as it was.
 */
function scalarEdits(
  node: unknown,
  full: unknown,
  compact: unknown,
  parentKey: string | undefined,
  inFlow: boolean,
  out: Edit[],
): boolean {
  if (isPlainObject(full) && isMap(node)) {
    const c = isPlainObject(compact) ? compact : full;
    const keys = new Set(node.items.map(keyOf));
    if (Object.keys(c).some((k) => !keys.has(k))) return false;
    return node.items.every((pair) => {
      const k = keyOf(pair);
      return (
        k !== undefined &&
        full[k] !== undefined &&
        scalarEdits(pair.value, full[k], c[k] ?? full[k], k, inFlow || !!node.flow, out)
      );
    });
  }
  if (Array.isArray(full) && isSeq(node)) {
    if (full.length !== node.items.length) return false;
    const c = Array.isArray(compact) ? compact : full;
    return full.every((fv, i) => {
      const fid = isPlainObject(fv) && typeof fv.id === 'string' ? fv.id : undefined;
      if (fid !== identity(node.items[i], i, parentKey)) return false;
      return scalarEdits(node.items[i], fv, c[i], undefined, inFlow || !!node.flow, out);
    });
  }
  if (isScalar(node) && (full === null || typeof full !== 'object')) {
    if (node.value === full) return true;
    const text = scalarText(node, full, inFlow);
    if (text === null || !node.range) return false;
    out.push({ from: node.range[0], to: node.range[1], text });
    return true;
  }
  return false;
}

/**
 * The last original text parsed, and its document: the app writes the same
 * opened file again after every edit (autosave, Save), and parsing a
 * 1000-node file took ~180 ms each time, a freeze after each drag. The
 * document is only read (scalarEdits); the path that changes a document
 * changes a clone.
 */
let lastParsed: { text: string; doc: ReturnType<typeof parseDocument> } | undefined;

function parsedOriginal(text: string): ReturnType<typeof parseDocument> {
  if (lastParsed?.text !== text)
    lastParsed = { text, doc: parseDocument(text, { uniqueKeys: true, logLevel: 'error' }) };
  return lastParsed.doc;
}

/** Writes a topology as YAML or JSON text (ending with a newline). */
export function serializeTopology(topology: Topology, opts: SerializeOptions): string {
  const compact = compactTopology(topology);
  if (opts.format === 'json') return JSON.stringify(compact, null, 2) + '\n';
  const original = opts.original;
  const toString = {
    lineWidth: 0,
    indentSeq: original ? detectIndentSeq(original) : true,
    flowCollectionPadding: original ? !/:[ \t]*[{[][^\s\]}]/.test(original) : true,
  };
  if (original !== undefined) {
    const parsed = parsedOriginal(original);
    if (parsed.errors.length === 0 && isMap(parsed.contents)) {
      const full = JSON.parse(JSON.stringify(topology)) as Plain;
      const edits: Edit[] = [];
      if (scalarEdits(parsed.contents, full, compact, undefined, false, edits)) {
        let text = original;
        for (const e of edits.sort((x, y) => y.from - x.from))
          text = text.slice(0, e.from) + e.text + text.slice(e.to);
        return text;
      }
      // Why a clone: the parsed original is kept for the next write (parsedOriginal).
      const doc = parsed.clone();
      if (isMap(doc.contents)) {
        update(doc, doc.contents, full, compact);
        return doc.toString(toString);
      }
    }
  }
  const doc = new Document(compact, { aliasDuplicateObjects: false });
  styleFlow(doc.contents);
  if (typeof topology.$schema === 'string')
    doc.commentBefore = ` yaml-language-server: $schema=${topology.$schema}`;
  return doc.toString(toString);
}
