/**
 * Live link changes from the canvas: down/up and netem. The change is made
 * in the document (so it is kept in the file) and applied through the
 * engine like any edit: the planner sees the difference and runs only the
 * `ip link set ... up|down` or `tc qdisc ... netem` lines it needs.
 */
import type { Netem, Topology } from '../../../shared/model';
import type { Problem } from '../../../shared/validate/problem';
import type { ApplyOutcome } from '../engine-types';
import type { Engine } from '../engine-types';
import type { EngineOptions } from '../engine-types';
import { hasErrors, validateDocument } from '../../../shared/validate';
import { PlainError } from '../plain-error';

export type End = 'a' | 'b';

function parsed(doc: unknown): Topology {
  const v = validateDocument(doc);
  if (!v.topology || hasErrors(v.problems)) {
    const first = v.problems.find((p) => p.severity === 'error');
    throw new PlainError(`the topology is not valid${first ? `: ${first.message}` : ''}`);
  }
  return v.topology;
}

function findLink(t: Topology, linkId: string) {
  const i = t.links.findIndex((l) => l.id === linkId);
  if (i < 0) throw new PlainError(`the topology has no link "${linkId}"`);
  return i;
}

/** The topology with link `linkId` set up or down (one end, or both when `end` is omitted). Pure. */
export function withLinkState(t: Topology, linkId: string, up: boolean, end?: End): Topology {
  const i = findLink(t, linkId);
  const l = t.links[i];
  const next = { ...l, a: end === 'b' ? l.a : { ...l.a, up }, b: end === 'a' ? l.b : { ...l.b, up } };
  return { ...t, links: t.links.map((x, j) => (j === i ? next : x)) };
}

/** The topology with netem on one end's egress replaced (null or empty: removed). Pure. */
export function withNetem(t: Topology, linkId: string, end: End, netem: Netem | null): Topology {
  const i = findLink(t, linkId);
  const l = t.links[i];
  const clean = netem
    ? (Object.fromEntries(Object.entries(netem).filter(([, v]) => v !== undefined)) as Netem)
    : {};
  const e = { ...l[end] };
  if (Object.keys(clean).length) e.netem = clean;
  else delete e.netem;
  const next = { ...l, [end]: e };
  return { ...t, links: t.links.map((x, j) => (j === i ? next : x)) };
}

export interface LinkEditOutcome {
  /** The document after the change (keep it: the change belongs in the file). */
  topology: Topology;
  problems: Problem[];
  result?: ApplyOutcome['result'];
}

async function applyEdited(engine: Engine, t: Topology, o: EngineOptions): Promise<LinkEditOutcome> {
  const r = await engine.applyDocument(t, o);
  return { topology: t, problems: r.problems, ...(r.result ? { result: r.result } : {}) };
}

/** `lab:link-state`: sets a link (or one end) down/up and applies only that difference. */
export async function setLinkState(
  engine: Engine,
  doc: unknown,
  linkId: string,
  up: boolean,
  end: End | undefined,
  o: EngineOptions = {},
): Promise<LinkEditOutcome> {
  return applyEdited(engine, withLinkState(parsed(doc), linkId, up, end), o);
}

/** `lab:netem`: changes netem on one end and applies only that difference. */
export async function setNetem(
  engine: Engine,
  doc: unknown,
  linkId: string,
  end: End,
  netem: Netem | null,
  o: EngineOptions = {},
): Promise<LinkEditOutcome> {
  return applyEdited(engine, withNetem(parsed(doc), linkId, end, netem), o);
}
