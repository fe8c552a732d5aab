/**
 * fast-check arbitraries that rename the kernel-visible parts of a valid
 * document (lab name, node ids and names, link ids, interface names) to
 * edge-case names (test support only).
 *
 * - `tricky`: names the validator accepts but that look like trouble: ".x",
 *   "x..", "1.2.3.4", ip keywords ("dev", "up", "type"), one character, the
 *   full 15 bytes.
 * - `hostile`: names drawn also from characters that iproute2's batch reader,
 *   the shell or the kernel treat specially (quotes, backslash, "#", blanks,
 *   "%", ":", "/", "@", "+", non-ASCII, control characters); the validator
 *   must refuse those it cannot pass on exactly.
 *
 * Renaming keeps the document's structure: every reference (links' `node`,
 * a bridge's `namespace`, routes' `dev`, expectations) follows the rename, and
 * names stay unique per namespace by an index added before or after.
 */
import fc from 'fast-check';
import { arbValidDocument, type ArbTopologyOptions } from './arbitraries-valid';

type Plain = Record<string, unknown>;

/** Which kind of names to produce. */
export type NameMode = 'tricky' | 'hostile';

const TRICKY_PIECES = [
  '.',
  '..',
  '.x',
  'x.',
  '_',
  '-',
  'dev',
  'up',
  'down',
  'type',
  'name',
  'peer',
  'help',
  'netns',
  'veth',
  'dummy',
  'master',
  'alias',
  'E',
  '1e3',
  '0x1f',
  '1.2.3.4',
  'a-b_c.d',
  'ZZ',
];
const HOSTILE_CHARS = [
  '"',
  "'",
  '\\',
  '#',
  ' ',
  '\t',
  '\n',
  '\r',
  '%',
  ':',
  '/',
  '@',
  '+',
  '$',
  '`',
  ';',
  '*',
  'é',
  '\u0001',
  '\u007f',
  '\u00a0',
];

const arbTricky = (maxLen: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...TRICKY_PIECES.filter((p) => p.length <= maxLen)),
    fc.stringMatching(new RegExp(`^[A-Za-z0-9_.-]{1,${maxLen}}$`)),
  );
const arbHostile = (maxLen: number): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE_CHARS), fc.constantFrom('a', 'b', '0', '.', '-')), {
      minLength: 1,
      maxLength: maxLen,
    })
    .map((cs) => cs.join(''));

/** A name made of a piece and a unique index; `'after'` puts the index first so the piece ends the name. */
function named(piece: string, index: number, where: 'before' | 'after' | 'none', maxBytes: number): string {
  const idx = index.toString(36);
  if (where === 'none' && index === 0) return piece;
  const room = maxBytes - idx.length;
  const bytes = new TextEncoder();
  let p = piece;
  while (p.length && bytes.encode(p).length > room) p = p.slice(0, -1);
  return where === 'after' ? `${idx}${p}` : `${p}${idx}`;
}

const RESERVED = new Set(['lo', 'all', 'default', 'bonding_masters', '.', '..']);
/** In tricky mode a name stays valid: no leading "-", not "."/".." or a reserved name. */
const tidy = (mode: NameMode, name: string) =>
  mode === 'tricky' && (name.startsWith('-') || RESERVED.has(name)) ? `x${name}`.slice(0, 15) : name;

const arbNamer = (maxBytes: number) =>
  fc.record({
    tricky: arbTricky(maxBytes - 1),
    hostile: arbHostile(maxBytes - 1),
    roll: fc.nat(99),
    where: fc.constantFrom('before' as const, 'after' as const, 'none' as const),
  });
type RawNamer = { tricky: string; hostile: string; roll: number; where: Namer['where'] };

/** Valid documents (plain data) with edge-case names; see the module comment. */
export function arbRenamedDocument(mode: NameMode, options: ArbTopologyOptions = {}): fc.Arbitrary<Plain> {
  // In hostile mode each document picks how many of its names are hostile (in percent), so
  // some documents have none or one (and may be accepted) and others many.
  const rate = mode === 'tricky' ? fc.constant(0) : fc.constantFrom(0, 2, 10, 50);
  const list = fc.array(arbNamer(15), { minLength: 64, maxLength: 64 });
  return fc
    .tuple(
      arbValidDocument(options),
      rate,
      fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/),
      arbHostile(31),
      fc.nat(99),
      list,
      list,
      list,
    )
    .map(([doc, r, labOk, labBad, labRoll, ids, nsNames, ifnames]) => {
      const cook = (xs: RawNamer[]): Namer[] =>
        xs.map((x) => ({ piece: x.roll < r ? x.hostile : x.tricky, where: x.where }));
      return rename(doc, labRoll < r ? labBad : labOk, cook(ids), cook(nsNames), cook(ifnames), mode);
    });
}

type Namer = { piece: string; where: 'before' | 'after' | 'none' };

function rename(
  src: Plain,
  lab: string,
  ids: Namer[],
  nsNames: Namer[],
  ifnames: Namer[],
  mode: NameMode,
): Plain {
  const doc = structuredClone(src) as Plain & {
    nodes: Plain[];
    links: { id: string; a: Plain; b: Plain }[];
    expect?: Plain[];
  };
  const pick = (list: Namer[], i: number, max: number) =>
    tidy(mode, named(list[i % list.length].piece, i, list[i % list.length].where, max));
  doc.name = lab;
  // Node ids (the same piece list renames namespace nodes' kernel names).
  const idMap = new Map<string, string>();
  doc.nodes.forEach((n, i) => idMap.set(n.id as string, pick(ids, i, 64)));
  // Kernel names per namespace key: '' = root, else the (old) node id of the namespace node.
  const nsKey = (n: Plain): string =>
    n.kind === 'namespace' || n.kind === 'router'
      ? (n.id as string)
      : n.kind === 'bridge'
        ? ((n.namespace as string | undefined) ?? '')
        : '';
  const counters = new Map<string, number>();
  const ifMap = new Map<string, string>(); // `${nsKey}|${old}` -> new
  const newIf = (key: string, old: string) => {
    const k = `${key}|${old}`;
    if (!ifMap.has(k)) {
      const c = counters.get(key) ?? 0;
      counters.set(key, c + 1);
      ifMap.set(k, pick(ifnames, c + (key === '' ? 0 : 1), 15));
    }
    return ifMap.get(k)!;
  };
  const byId = new Map(doc.nodes.map((n) => [n.id as string, n]));
  let nsIndex = 0;
  for (const n of doc.nodes) {
    if (n.kind === 'namespace' || n.kind === 'router') n.name = pick(nsNames, nsIndex++, 15);
    else if (n.kind === 'bridge') n.name = newIf(nsKey(n), n.name as string);
    else n.name = idMap.get(n.id as string);
  }
  for (const l of doc.links) {
    for (const e of [l.a, l.b]) e.ifname = newIf(nsKey(byId.get(e.node as string)!), e.ifname as string);
  }
  for (const n of doc.nodes) {
    for (const r of (n.routes as Plain[] | undefined) ?? [])
      if (typeof r.dev === 'string') r.dev = newIf(n.id as string, r.dev);
  }
  // References by id.
  for (const n of doc.nodes) {
    if (typeof n.namespace === 'string') n.namespace = idMap.get(n.namespace);
  }
  for (const l of doc.links) for (const e of [l.a, l.b]) e.node = idMap.get(e.node as string);
  for (const x of doc.expect ?? []) {
    x.from = idMap.get(x.from as string);
    if (idMap.has(x.to as string)) x.to = idMap.get(x.to as string);
  }
  for (const n of doc.nodes) n.id = idMap.get(n.id as string);
  doc.links.forEach((l, i) => (l.id = `${pick(ids, 63 - (i % 32), 62)}l`));
  return doc;
}
