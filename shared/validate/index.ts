/**
 * Validation: every rule that a topology must pass before it is planned or
 * applied, reported as Problems with a code, plain words and a path.
 *
 * `validateDocument` is the one entry point for untrusted input (files, IPC,
 * the canvas): schema first (parseTopology), then the rules. It never throws.
 */
import { parseTopology, type Topology } from '../model';
import type { Problem } from './problem';
import { buildContext, type Ctx } from './context';
import { checkNames } from './names';
import { checkDuplicateIfnames, checkNodeKinds, checkReferences, checkUniqueIds } from './structure';
import { checkAddresses } from './addresses';
import { checkRoutes } from './routes';
import { checkVlans } from './vlans';
import { checkBridgeLoops } from './bridge-loops';
import { checkMacs, checkMtu, checkNetem } from './link-props';
import { checkExpectations } from './expectations';
import { checkSysctls } from './sysctls';

export type { Problem } from './problem';
export { hasErrors } from './problem';
export { PROBLEM_CODES, type ProblemCode } from './codes';
export {
  checkIfName,
  checkLabName,
  checkNetnsName,
  byteLength,
  RESERVED_IFNAMES,
  LAB_NAME_MAX,
  NETNS_NAME_MAX,
} from './names';
import { deepFreeze } from '../util/freeze';

/** The rules, in reporting order. */
const RULES: { name: string; run: (ctx: Ctx) => void }[] = [
  { name: 'names', run: checkNames },
  { name: 'unique ids', run: checkUniqueIds },
  { name: 'references', run: checkReferences },
  { name: 'interface names per namespace', run: checkDuplicateIfnames },
  { name: 'node kinds', run: checkNodeKinds },
  { name: 'sysctls', run: checkSysctls },
  { name: 'addresses', run: checkAddresses },
  { name: 'routes', run: checkRoutes },
  { name: 'vlans', run: checkVlans },
  { name: 'bridge loops', run: checkBridgeLoops },
  { name: 'mtu', run: checkMtu },
  { name: 'mac addresses', run: checkMacs },
  { name: 'netem', run: checkNetem },
  { name: 'expectations', run: checkExpectations },
];

/**
 * Checks a parsed topology against every rule. Errors block planning;
 * warnings are shown but do not. A rule that fails unexpectedly is reported
 * as an `internal-error` problem instead of throwing.
 */
export function validate(topology: Topology): Problem[] {
  const t: Topology = {
    ...topology,
    nodes: topology.nodes ?? [],
    links: topology.links ?? [],
    expect: topology.expect ?? [],
    annotations: topology.annotations ?? [],
  };
  let ctx: Ctx;
  try {
    ctx = buildContext(t);
  } catch (e) {
    return [internal('building the view', e)];
  }
  for (const rule of RULES) {
    try {
      rule.run(ctx);
    } catch (e) {
      ctx.add(internal(rule.name, e));
    }
  }
  return ctx.problems;
}

function internal(what: string, e: unknown): Problem {
  return {
    code: 'internal-error',
    severity: 'error',
    message: `netplumb could not check ${what}: ${e instanceof Error ? e.message : String(e)}. Please report this.`,
    path: [],
  };
}

/** Result of validating untrusted input. `topology` is present when the schema accepted it. */
export interface ValidateDocumentResult {
  problems: Problem[];
  topology?: Topology;
}

/** How validateDocument treats the topology it returns. */
export interface ValidateOptions {
  /**
   * Deep-freeze the topology returned and remember it, with its problems:
   * when that same object is validated again in this process, the result is
   * given back without checking it twice. The CLI asks for this: it
   * validates the file to print its problems, then hands the topology to the
   * engine, which validates every document it is given. Only for callers
   * that never change the topology afterwards (a change would throw).
   */
  seal?: boolean;
  /**
   * Remember the result by the input's exact JSON text (the last few): the
   * same content validated again in this process is given back, sealed,
   * without checking it twice. The engine asks for this: a resident engine
   * or the app's helper is asked for the status of the same document over
   * and over, and an apply's document again by the plan after it (at 1000
   * hosts validation is 30-100 ms). What is validated is the parsed text
   * itself, so what is remembered is exactly what that text means; input
   * JSON cannot say exactly (a non-finite number, -0, undefined, a function,
   * an object of a class) is validated as before, not remembered.
   */
  remember?: boolean;
}

/** Results remembered by content (`remember`), the newest last. */
const byContent = new Map<string, { problems: readonly Problem[]; topology?: Topology }>();
const REMEMBERED = 4;

class Inexact extends Error {}

/** The exact JSON text of `input`, or undefined where JSON cannot say exactly what it holds. */
function exactJson(input: unknown): string | undefined {
  try {
    return JSON.stringify(input, function (this: Record<string, unknown>, key: string, value: unknown) {
      // The holder's own value: `value` has been through toJSON already (a Date would be a string).
      const raw = key === '' ? input : this[key];
      if (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0))) throw new Inexact();
      if (
        raw === undefined ||
        typeof raw === 'function' ||
        typeof raw === 'symbol' ||
        typeof raw === 'bigint'
      )
        throw new Inexact();
      if (typeof raw === 'object' && raw !== null) {
        const proto: unknown = Object.getPrototypeOf(raw);
        if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) throw new Inexact();
      }
      return value;
    });
  } catch {
    return undefined;
  }
}

/**
 * Topologies validateDocument made and froze (`seal`), with their problems.
 * Why this is safe where a cache keyed by content was not: only objects this
 * module produced are recognised, by identity, and they are frozen, so what
 * is handed back is exactly what was validated, never a caller's own object.
 */
const sealed = new WeakMap<object, readonly Problem[]>();

/**
 * The most nodes and links a lab may have. Why a limit: a file is untrusted
 * input, and one with 200 000 namespaces took minutes and gigabytes before any
 * change. A Linux bridge takes at most 1024 ports; these leave room for a few
 * thousand hosts on several bridges.
 */
export const LAB_LIMITS = { nodes: 5000, links: 10000 } as const;

/** A problem for each list of `input` longer than its limit (checked before the schema, which would take long). */
function tooLarge(input: unknown): Problem[] {
  if (typeof input !== 'object' || input === null) return [];
  return (['nodes', 'links'] as const).flatMap((key) => {
    const list = (input as Record<string, unknown>)[key];
    if (!Array.isArray(list) || list.length <= LAB_LIMITS[key]) return [];
    return [
      {
        code: 'lab-too-large',
        severity: 'error' as const,
        message: `The file has ${list.length} ${key}; a lab may have at most ${LAB_LIMITS[key]}. Split it into several labs.`,
        path: [key],
      },
    ];
  });
}

/** Parses (schema + migrations) and validates untrusted input. Never throws. */
export function validateDocument(input: unknown, opts: ValidateOptions = {}): ValidateDocumentResult {
  const known = typeof input === 'object' && input !== null ? sealed.get(input) : undefined;
  if (known) return { problems: structuredClone(known) as Problem[], topology: input as Topology };
  const large = tooLarge(input);
  if (large.length) return { problems: large };
  const text = opts.remember ? exactJson(input) : undefined;
  if (text !== undefined) {
    let r = byContent.get(text);
    if (r) byContent.delete(text);
    else {
      r = validateDocument(JSON.parse(text) as unknown, { seal: true });
      r = { problems: structuredClone(r.problems), ...(r.topology ? { topology: r.topology } : {}) };
    }
    byContent.set(text, r);
    if (byContent.size > REMEMBERED) byContent.delete(byContent.keys().next().value!);
    return {
      problems: structuredClone(r.problems) as Problem[],
      ...(r.topology ? { topology: r.topology } : {}),
    };
  }
  let parsed: ReturnType<typeof parseTopology>;
  try {
    parsed = parseTopology(input);
  } catch (e) {
    return { problems: [internal('the document structure', e)] };
  }
  if (!parsed.ok) return { problems: parsed.problems };
  const problems = validate(parsed.topology);
  if (opts.seal) {
    deepFreeze(parsed.topology);
    sealed.set(parsed.topology, structuredClone(problems));
  }
  return { problems, topology: parsed.topology };
}
