/**
 * Turning plain data into a Topology: migrate, then zod. Structural problems
 * come back as Problems with a path (the same shape validate/ uses), never as
 * a thrown error.
 */
import type { z } from 'zod';
import { migrate, UnsupportedVersionError } from './migrate';
import { Topology } from './topology';
import type { Problem } from './problem';

export type ParseResult = { ok: true; topology: Topology } | { ok: false; problems: Problem[] };

/** What the document has at `path` (zod 4 does not report the input it refused), or NONE when the key is absent. */
const NONE = Symbol('none');
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = doc;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || !Object.prototype.hasOwnProperty.call(cur, k)) return NONE;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Words for the type zod expected. */
const EXPECTED: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Words for a value found in the document. */
function describeValue(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the whole number ${v}` : `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

/** Describes a zod issue in plain words. */
function issueMessage(issue: z.core.$ZodIssue, doc: unknown): string {
  const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the document';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const found = valueAt(doc, issue.path);
      if (found === NONE || found === undefined) return `${where} is missing (expected ${expected})`;
      return `${where} should be ${expected}; here it is ${describeValue(found)}`;
    }
    case 'unrecognized_keys':
      return `${where} has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return `${where} does not match any allowed form`;
    case 'invalid_value':
      return `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/**
 * Parses (and migrates) a document. Bad content never throws: a version newer
 * than this netplumb reads, and every schema issue, come back as Problems. An
 * error of any other kind from a migration is a bug, and is rethrown.
 */
export function parseTopology(input: unknown): ParseResult {
  let migrated: unknown;
  try {
    migrated = migrate(input);
  } catch (e) {
    if (e instanceof UnsupportedVersionError) {
      return {
        ok: false,
        problems: [{ code: 'unsupported-version', severity: 'error', message: e.message, path: ['version'] }],
      };
    }
    throw e;
  }
  const r = Topology.safeParse(migrated);
  if (r.success) return { ok: true, topology: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      return {
        code: 'schema',
        severity: 'error' as const,
        message: issueMessage(issue, migrated),
        path,
        ...locate(migrated, path),
      };
    }),
  };
}

/** Finds the node/link a schema path points into, for the canvas. */
function locate(doc: unknown, path: (string | number)[]): { nodeId?: string; linkId?: string } {
  if (path.length < 2 || typeof doc !== 'object' || doc === null) return {};
  const list = (doc as Record<string, unknown>)[String(path[0])];
  if (!Array.isArray(list) || typeof path[1] !== 'number') return {};
  const item = list[path[1]] as Record<string, unknown> | undefined;
  const id = typeof item?.id === 'string' ? item.id : undefined;
  if (path[0] === 'nodes') return { nodeId: id };
  if (path[0] === 'links') return { linkId: id };
  return {};
}
