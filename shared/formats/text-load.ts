/**
 * The parts of reading a topology file that need no YAML parser: positions,
 * a JSON text's syntax check and parse, and validation with the problems
 * located. document.ts reads YAML with positions (the YAML parser's); a JSON
 * file is read here (loadJsonTopologyText: the CLI), its positions from
 * json-locate.ts, without loading the YAML parser at all.
 */
import type { Topology } from '../model';
import { validateDocument, type ValidateOptions } from '../validate';
import type { Problem } from '../validate/problem';
import { jsonSyntaxError } from './json-syntax';

/** The native file syntaxes. */
export type TextFormat = 'yaml' | 'json';

/** A path into a document, as used by Problem.path. */
export type DocPath = readonly (string | number)[];

/** A 1-based position in a text. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Maps a document path to the position of that value (or its nearest existing ancestor). */
export type Locator = (path: DocPath) => TextPosition | undefined;

/** The result of reading a text: plain data (when readable), problems, and a locator. */
export interface ParsedText {
  doc?: unknown;
  format: TextFormat;
  problems: Problem[];
  locate: Locator;
}

/** Outcome of loading a file: the topology when it is structurally readable, and every problem. */
export interface LoadResult {
  topology?: Topology;
  problems: Problem[];
  format: TextFormat;
}

/** A line/column from an offset. */
function offsetToPosition(text: string, offset: number): TextPosition {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: end - last };
}

/** Fills in line/column of problems from their paths (problems that already have one keep it). */
export function withLocations(problems: readonly Problem[], locate: Locator): Problem[] {
  return problems.map((p) => (p.line !== undefined ? p : { ...p, ...locate(p.path) }));
}

/**
 * Parses a JSON text into plain data: a syntax error is placed by the strict
 * scanner; positions of other problems come from `locator` (document.ts
 * passes locatorFor: json-locate.ts's index), asked only when a problem needs one.
 */
export function parseJsonText(text: string, locator: (text: string) => Locator): ParsedText {
  const err = jsonSyntaxError(text);
  if (err) {
    const pos = offsetToPosition(text, err.offset);
    const code = err.message.startsWith('duplicate key') ? 'duplicate-key' : 'json-syntax';
    const problem: Problem = {
      code,
      severity: 'error',
      message: code === 'json-syntax' ? `not valid JSON: ${err.message}` : err.message,
      path: [],
      ...pos,
    };
    return { format: 'json', problems: [problem], locate: () => undefined };
  }
  // Valid JSON: JSON.parse is much faster; positions are only worked out when a problem needs one.
  let located: Locator | undefined;
  const locate: Locator = (path) => (located ??= locator(text))(path);
  return { doc: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown, format: 'json', problems: [], locate };
}

/** Validates parsed text: the topology when the structure parsed, and every problem, located. */
export function loadParsed(parsed: ParsedText, opts: ValidateOptions = {}): LoadResult {
  if (parsed.doc === undefined) return { problems: parsed.problems, format: parsed.format };
  const r = validateDocument(parsed.doc, opts);
  const problems = [...parsed.problems, ...r.problems];
  return { topology: r.topology, problems: withLocations(problems, parsed.locate), format: parsed.format };
}

/**
 * loadTopologyText (document.ts) of a JSON text, loading the locator only
 * when a problem needs a position. Same result.
 */
export async function loadJsonTopologyText(
  text: string,
  locator: () => Promise<(text: string) => Locator>,
  opts: ValidateOptions = {},
): Promise<LoadResult> {
  let unplaced = false;
  const r = loadParsed(
    parseJsonText(text, () => ((unplaced = true), () => undefined)),
    opts,
  );
  // Problems placed already keep their place; the others get one now, as in one pass.
  if (unplaced) r.problems = withLocations(r.problems, await locator().then((f) => f(text)));
  return r;
}
