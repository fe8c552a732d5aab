/**
 * The per-user name prefix on the kernel side of the app (issue 16, shared
 * machines). The page always speaks drawing names; this module puts the
 * user's prefix (from ~/.config/netplumb/config.json, the file the CLI reads)
 * in front of every kernel name before a document or lab name reaches the
 * engine or the live tools, and takes it off documents that go back to the
 * page. Ids never change, so the status overlay still finds its nodes.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkPrefix, parseTopology, prefixTopology, type Topology } from '../../shared/model';
import type { Problem } from '../../shared/model/problem';
import { prefixSetting, userConfigFile } from './prefix-config';
import { PlainError } from './plain-error';

/** The prefix in effect for the user of this process (undefined: none). A broken config file is refused in plain words. */
export function readPrefix(file = userConfigFile()): string | undefined {
  const s = prefixSetting({ flags: {} }, file);
  if (s.error)
    throw new PlainError(`${s.error} (fix or remove the "prefix" entry, or set it again in the app)`);
  return s.prefix;
}

/**
 * Writes (or, with null, removes) the prefix in the config file, keeping its
 * other entries. Why the check here too: the page is untrusted, and the file
 * is also read by the CLI, so only a prefix the CLI would accept is written.
 */
export function writePrefix(prefix: string | null, file = userConfigFile()): void {
  if (prefix !== null) {
    const bad = checkPrefix(prefix);
    if (bad) throw new PlainError(bad);
  }
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      config = parsed as Record<string, unknown>;
    else throw new PlainError(`${file} does not hold a JSON object; fix or remove it first`);
  } catch (e) {
    if (e instanceof PlainError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new PlainError(
        `${file} cannot be read as JSON (${(e as Error).message}); fix or remove it first`,
      );
  }
  if (prefix === null) delete config.prefix;
  else config.prefix = prefix;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, file);
}

/**
 * A page document with the prefix applied. A document that does not parse is
 * passed on untouched (the engine reports its problems, located); a name the
 * prefix makes too long comes back as problems.
 */
export function prefixDoc(raw: unknown, prefix: string | undefined): { doc: unknown; problems?: Problem[] } {
  if (!prefix) return { doc: raw };
  const p = parseTopology(raw);
  if (!p.ok) return { doc: raw };
  const r = prefixTopology(p.topology, prefix);
  return r.ok ? { doc: r.topology } : { doc: raw, problems: r.problems };
}

/** A request carrying a document, with the prefix applied (throws the too-long names in plain words). */
export function withDoc<R extends { topology: unknown }>(req: R, prefix: string | undefined): R {
  const p = prefixDoc(req.topology, prefix);
  if (p.problems) throw new PlainError(p.problems.map((x) => x.message).join('; '));
  return { ...req, topology: p.doc };
}

const strip = (prefix: string, name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);

/** The drawing form of a prefixed document (the reverse of prefixTopology; names without the prefix stay). */
export function unprefixTopology(t: Topology, prefix: string | undefined): Topology {
  if (!prefix) return t;
  return {
    ...t,
    name: strip(prefix, t.name),
    nodes: t.nodes.map((n) => {
      if (n.kind === 'host') return n;
      if (n.kind === 'bridge') return { ...n, name: strip(prefix, n.name) };
      return {
        ...n,
        name: strip(prefix, n.name),
        routes: n.routes.map((r) => (r.dev === undefined ? r : { ...r, dev: strip(prefix, r.dev) })),
      };
    }),
    links: t.links.map((l) => ({
      ...l,
      a: { ...l.a, ifname: strip(prefix, l.a.ifname) },
      b: { ...l.b, ifname: strip(prefix, l.b.ifname) },
    })),
  };
}

/** A document answer (unknown on the wire) in drawing names; anything that does not parse is left as it is. */
export function unprefixDoc(raw: unknown, prefix: string | undefined): unknown {
  if (!prefix || raw === undefined) return raw;
  const p = parseTopology(raw);
  return p.ok ? unprefixTopology(p.topology, prefix) : raw;
}

/** The kernel's name for the lab of a drawing called `lab` (what prefixTopology makes of it). */
export const kernelLab = (lab: string, prefix: string | undefined) => (prefix ? prefix + lab : lab);
/** A kernel lab name as the drawing calls it. */
export const drawingLab = (lab: string, prefix: string | undefined) => (prefix ? strip(prefix, lab) : lab);
