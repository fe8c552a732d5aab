/**
 * Random and broken topology documents for fuzzing (test support only):
 * arbitrary JSON, valid labs with fields replaced, deleted, duplicated or
 * copied, and valid labs with string fields swapped for tricky values.
 */
import fc from 'fast-check';
import { SYSCTL_ALLOWLIST } from './common';
import { arbValidDocument } from './arbitraries-valid';

type Plain = Record<string, unknown>;

/** Values that often trip validators, for targeted corruption. */
const TRICKY: unknown[] = [
  '',
  ' ',
  'lo',
  'all',
  '.',
  '..',
  '/',
  'a:b',
  'x'.repeat(16),
  'é'.repeat(8),
  '-x',
  '%d',
  '10.0.0.256/24',
  '10.0.0.1',
  '10.0.0.0/24',
  '10.0.0.255/24',
  'fe80::1/64',
  '::/0',
  'default',
  'fd00::1::1/64',
  '01:00:5e:00:00:01',
  '00:00:00:00:00:00',
  'ghost',
  0,
  -1,
  1.5,
  4095,
  65536,
  1e308,
  NaN,
  null,
  true,
  [],
  {},
  // Characters iproute2's batch reader treats specially (quotes, comment, continuation, blanks).
  'a#b',
  'a"b',
  "'x",
  'x\\',
  'a b',
  '10.0.0.1/24#',
  'default #',
  '02:00:00:00:00:0#',
  '"',
  '\\\n',
  { node: 'ghost', ifname: 'x' },
  [{}],
  ['10.0.0.1/24', '10.0.0.1/24'],
  { tagged: [10], untagged: [10] },
  { jitterMs: 5 },
  { to: 'default' },
  { __proto__: null },
];

const TRICKY_STRINGS = TRICKY.filter((v): v is string => typeof v === 'string');

type Path = (string | number)[];
const get = (doc: unknown, p: Path): unknown =>
  p.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Plain)[k as string] : undefined), doc);
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object')
    for (const k of Object.keys(v)) paths((v as Plain)[k], [...prefix, k], out);
  return out;
}

function mutate(doc: Plain, at: Path, op: number, value: unknown, copyFrom: Path): Plain {
  if (at.length === 0) return op === 0 ? (value as Plain) : doc;
  const parent = at.slice(0, -1).reduce<unknown>((v, k) => (v as Plain)[k as string], doc) as
    Plain | unknown[];
  const key = at[at.length - 1];
  const source = get(doc, copyFrom);
  if (op === 0) (parent as Plain)[key as string] = value;
  else if (op === 1) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete (parent as Plain)[key as string];
  } else if (op === 2 && Array.isArray(parent)) parent.push(structuredClone(parent[key as number]));
  else (parent as Plain)[key as string] = structuredClone(source === undefined ? null : source);
  return doc;
}

/**
 * Random and broken documents: arbitrary JSON, valid labs with one to three
 * fields replaced, deleted, duplicated or copied from elsewhere, and wrong
 * top-level shapes. For fuzzing validateDocument (it must never throw).
 */
export function arbMutatedDocument(): fc.Arbitrary<unknown> {
  const corrupted = fc
    .tuple(
      arbValidDocument({ maxNodes: 5, netem: true }),
      fc.array(
        fc.record({
          at: fc.nat(),
          op: fc.nat(3),
          from: fc.nat(),
          value: fc.oneof(
            fc.constantFrom(...TRICKY),
            fc.jsonValue({ maxDepth: 2 }),
            fc.string({ unit: 'binary', maxLength: 20 }),
          ),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([doc, muts]) => {
      let d: Plain = structuredClone(doc);
      for (const m of muts) {
        const ps = paths(d);
        d = mutate(d, ps[m.at % ps.length], m.op, m.value, ps[m.from % ps.length]);
        if (!d || typeof d !== 'object') break;
      }
      return d as unknown;
    });
  // Same-type swaps keep most documents schema-valid, so the rules (not only the schema) get fuzzed.
  const swapped = fc
    .tuple(
      arbValidDocument({ maxNodes: 6, netem: true }),
      fc.array(
        fc.record({
          at: fc.nat(),
          from: fc.nat(),
          tricky: fc.option(fc.constantFrom(...TRICKY_STRINGS), { nil: undefined, freq: 3 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    )
    .map(([doc, swaps]) => {
      const d: Plain = structuredClone(doc);
      for (const w of swaps) {
        const leaves = paths(d).filter(
          (p) =>
            p.length > 0 && typeof get(d, p) === 'string' && p[p.length - 1] !== 'kind' && p[0] !== 'version',
        );
        if (!leaves.length) break;
        const target = leaves[w.at % leaves.length];
        mutate(d, target, 0, w.tricky ?? get(d, leaves[w.from % leaves.length]), []);
      }
      return d as unknown;
    });
  return fc.oneof(
    { arbitrary: corrupted, weight: 4 },
    { arbitrary: swapped, weight: 4 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
    { arbitrary: fc.anything({ maxDepth: 3 }), weight: 1 },
    {
      arbitrary: fc.record(
        {
          version: fc.oneof(fc.constant(1), fc.constant(0), fc.integer()),
          name: fc.string(),
          nodes: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
          links: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }),
          sysctls: fc.constantFrom(...SYSCTL_ALLOWLIST),
        },
        { requiredKeys: [] },
      ),
      weight: 1,
    },
  );
}
