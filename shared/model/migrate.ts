/**
 * Migration of older documents to the current version, and the filling in of
 * shorthand (node id/name defaults). Runs on plain data before zod parsing.
 */
import { CURRENT_VERSION } from './topology';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One function per version step: MIGRATIONS[n] turns a version-n document into
 * a version-(n+1) document. Version 0 is the pre-release draft where links had
 * `endpoints: [a, b]` instead of `a` and `b`.
 */
export const MIGRATIONS: Record<number, (doc: Plain) => Plain> = {
  0: (doc) => {
    const links = Array.isArray(doc.links) ? doc.links : [];
    return {
      ...doc,
      version: 1,
      links: links.map((l) => {
        if (isObject(l) && Array.isArray(l.endpoints) && l.endpoints.length === 2) {
          const { endpoints, ...rest } = l;
          return { ...rest, a: endpoints[0], b: endpoints[1] };
        }
        return l;
      }),
    };
  },
};

/** Thrown when a document's version is newer than this program understands. */
export class UnsupportedVersionError extends Error {}

/**
 * Brings a parsed file (plain data) to the current version and fills in
 * shorthand. Unknown shapes are passed through for zod to report.
 */
export function migrate(input: unknown): unknown {
  if (!isObject(input)) return input;
  let doc: Plain = { ...input };
  let version = doc.version;
  if (version === undefined) {
    version = CURRENT_VERSION;
    doc.version = version;
  }
  if (typeof version === 'number' && Number.isInteger(version)) {
    if (version > CURRENT_VERSION) {
      throw new UnsupportedVersionError(
        `this file is version ${version}; this netplumb reads versions up to ${CURRENT_VERSION}: update netplumb`,
      );
    }
    for (let v = version; v < CURRENT_VERSION; v++) {
      const step = MIGRATIONS[v];
      if (!step) break;
      doc = step(doc);
    }
  }
  if (Array.isArray(doc.nodes)) {
    doc.nodes = doc.nodes.map((n) => {
      if (!isObject(n)) return n;
      const out = { ...n };
      if (out.id === undefined && typeof out.name === 'string') out.id = out.name;
      if (out.name === undefined && typeof out.id === 'string') out.name = out.id;
      return out;
    });
  }
  if (Array.isArray(doc.links)) {
    doc.links = doc.links.map((l, i) => {
      if (!isObject(l) || l.id !== undefined) return l;
      return { ...l, id: `link${i + 1}` };
    });
  }
  return doc;
}
