/**
 * The short, hand-written-looking form of a topology: every value that equals
 * its schema default is left out (e.g. `up: true`, `routes: []`), node ids
 * equal to the name and link ids equal to the positional default are dropped,
 * and keys come in a reading order (id, name, kind first; position, notes last).
 * Reading the compact form back gives the same Topology.
 */
import type { z } from 'zod';
import { Topology } from '../model';

const OMIT = Symbol('omit');
type Out = unknown | typeof OMIT;

const FIRST = ['$schema', 'version', 'id', 'name', 'kind', 'node', 'ifname', 'label', 'addresses'];
const LAST = ['position', 'notes'];

/** Structural equality for plain data (what zod produces). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Sorts object keys into reading order (id, name, kind first; position, notes last; others as given). */
export function orderKeys(keys: string[]): string[] {
  const rank = (k: string) => {
    const f = FIRST.indexOf(k);
    if (f >= 0) return f - 100;
    const l = LAST.indexOf(k);
    return l >= 0 ? 100 + l : 0;
  };
  return keys
    .map((k, i) => [k, i] as const)
    .sort((x, y) => rank(x[0]) - rank(y[0]) || x[1] - y[1])
    .map(([k]) => k);
}

type AnySchema = z.core.$ZodType;
function def(s: AnySchema): Record<string, unknown> & { type: string } {
  return (s as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}

function compactWith(schema: AnySchema, value: unknown): Out {
  const d = def(schema);
  switch (d.type) {
    case 'default': {
      const dv = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      if (deepEqual(value, dv)) return OMIT;
      return compactWith(d.innerType as AnySchema, value);
    }
    case 'optional':
      return value === undefined ? OMIT : compactWith(d.innerType as AnySchema, value);
    case 'object': {
      if (typeof value !== 'object' || value === null) return value;
      const shape = d.shape as Record<string, AnySchema>;
      const v = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of orderKeys(Object.keys(v))) {
        if (v[k] === undefined) continue;
        const r = shape[k] ? compactWith(shape[k], v[k]) : v[k];
        if (r !== OMIT) out[k] = r;
      }
      return out;
    }
    case 'array':
      return Array.isArray(value)
        ? value.map((x) => {
            const r = compactWith(d.element as AnySchema, x);
            return r === OMIT ? x : r;
          })
        : value;
    case 'union': {
      const opt = (d.options as AnySchema[]).find(
        (o) => (o as unknown as z.ZodType).safeParse(value).success,
      );
      return opt ? compactWith(opt, value) : value;
    }
    default:
      return value;
  }
}

/** The compact plain-data form of a topology (see the module comment). */
export function compactTopology(t: Topology): Record<string, unknown> {
  const out = compactWith(Topology, t) as Record<string, unknown>;
  const nodes = out.nodes as Record<string, unknown>[] | undefined;
  nodes?.forEach((n) => {
    if (n.id === n.name) delete n.id;
  });
  const links = out.links as Record<string, unknown>[] | undefined;
  links?.forEach((l, i) => {
    if (l.id === `link${i + 1}`) delete l.id;
  });
  // Nodes and links stay visible even when empty: a file without them looks broken.
  const ordered: Record<string, unknown> = {};
  for (const k of [
    '$schema',
    'version',
    'name',
    'description',
    'lesson',
    'activity',
    'nodes',
    'links',
    'expect',
    'annotations',
  ]) {
    if (out[k] !== undefined) ordered[k] = out[k];
    else if (k === 'nodes' || k === 'links') ordered[k] = [];
  }
  return ordered;
}
