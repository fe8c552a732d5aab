/**
 * Reading topology files (YAML or JSON) with positions: every Problem that
 * comes out carries the line and column of the thing it is about, so the CLI
 * can print `file:line:col` and editors can underline it. Pure: no Node.
 *
 * JSON files are parsed by the YAML parser too (JSON is YAML-compatible and
 * that gives positions), after a strict JSON syntax check so that YAML-only
 * syntax in a .json file (comments, trailing commas) is reported.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { Topology } from '../model';
import { validateDocument } from '../validate';
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

/** Picks the syntax from the file name, else from the text (a leading `{` or `[` is JSON). */
function detectFormat(text: string, fileName?: string): TextFormat {
  if (fileName) return /\.json$/i.test(fileName) ? 'json' : 'yaml';
  return /^\uFEFF?\s*[{[]/.test(text) && jsonSyntaxError(text) === null ? 'json' : 'yaml';
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

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate-key',
  TAB_AS_INDENT: 'tab-indent',
  MULTIPLE_DOCS: 'multiple-documents',
};

/** Drops the " at line X, column Y:" snippet the yaml package appends (we report the position separately). */
function cleanYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
}

/** Finds the YAML node a path points at, or the deepest ancestor that exists. */
function nodeAtPath(root: YamlNode | null | undefined, path: DocPath): YamlNode | undefined {
  let cur: unknown = root;
  let best: YamlNode | undefined = root ?? undefined;
  for (const seg of path) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (pair.value == null) {
        best = isScalar(pair.key) ? pair.key : best;
        break;
      }
      cur = pair.value;
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg];
      if (item == null) break;
      cur = item;
    } else break;
    best = cur as YamlNode;
  }
  return best;
}

/** Parses text with the YAML parser and returns a path → position locator over it. */
function yamlLocator(text: string) {
  const lineCounter = new LineCounter();
  const yd = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    uniqueKeys: true,
    prettyErrors: true,
    logLevel: 'error',
  });
  const toPos = (offset: number): TextPosition => {
    const lp = lineCounter.linePos(offset);
    return { line: lp.line, column: lp.col };
  };
  const locate: Locator = (path) => {
    const node = nodeAtPath(yd.contents as YamlNode | null, path);
    return node?.range ? toPos(node.range[0]) : undefined;
  };
  return { yd, toPos, locate };
}

/** Parses YAML or JSON text into plain data. Never throws; problems carry line/column. */
export function parseDocumentText(text: string, fileName?: string): ParsedText {
  const format = detectFormat(text, fileName);
  const problems: Problem[] = [];
  const noLocate: Locator = () => undefined;

  if (format === 'json') {
    const err = jsonSyntaxError(text);
    if (err) {
      const pos = offsetToPosition(text, err.offset);
      const code = err.message.startsWith('duplicate key') ? 'duplicate-key' : 'json-syntax';
      problems.push({
        code,
        severity: 'error',
        message: code === 'json-syntax' ? `not valid JSON: ${err.message}` : err.message,
        path: [],
        ...pos,
      });
      return { format, problems, locate: noLocate };
    }
    // Valid JSON: JSON.parse is much faster; positions are only worked out when a problem needs one.
    let located: Locator | undefined;
    const locate: Locator = (path) => (located ??= yamlLocator(text).locate)(path);
    return { doc: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown, format, problems, locate };
  }

  const { yd, toPos, locate } = yamlLocator(text);
  for (const [list, severity] of [
    [yd.errors, 'error'],
    [yd.warnings, 'warning'],
  ] as const) {
    for (const e of list) {
      problems.push({
        code: YAML_CODES[e.code] ?? 'yaml-syntax',
        severity,
        message: cleanYamlMessage(e.message),
        path: [],
        ...toPos(e.pos[0]),
      });
    }
  }
  if (problems.some((p) => p.severity === 'error')) return { format, problems, locate };
  if (yd.contents === null) {
    problems.push({
      code: 'empty',
      severity: 'error',
      message: 'the file is empty',
      path: [],
      line: 1,
      column: 1,
    });
    return { format, problems, locate };
  }
  try {
    // maxAliasCount guards against "billion laughs" alias bombs in untrusted files.
    const doc = yd.toJS({ maxAliasCount: 100 }) as unknown;
    return { doc, format, problems, locate };
  } catch (e) {
    problems.push({
      code: 'yaml-syntax',
      severity: 'error',
      message: (e as Error).message,
      path: [],
      line: 1,
      column: 1,
    });
    return { format, problems, locate };
  }
}

/** Fills in line/column of problems from their paths (problems that already have one keep it). */
export function withLocations(problems: readonly Problem[], locate: Locator): Problem[] {
  return problems.map((p) => (p.line !== undefined ? p : { ...p, ...locate(p.path) }));
}

/** Outcome of loading a file: the topology when it is structurally readable, and every problem. */
export interface LoadResult {
  topology?: Topology;
  problems: Problem[];
  format: TextFormat;
}

/**
 * Reads a native topology file: syntax → model (migrate + zod) → validation.
 * `topology` is present whenever the structure parsed, even when validation
 * found errors (so the app can still show it); check `hasErrors(problems)`.
 */
export function loadTopologyText(text: string, fileName?: string): LoadResult {
  const parsed = parseDocumentText(text, fileName);
  if (parsed.doc === undefined) return { problems: parsed.problems, format: parsed.format };
  const r = validateDocument(parsed.doc);
  const problems = [...parsed.problems, ...r.problems];
  return { topology: r.topology, problems: withLocations(problems, parsed.locate), format: parsed.format };
}
