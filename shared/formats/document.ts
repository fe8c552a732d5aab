/**
 * Reading topology files (YAML or JSON) with positions: every Problem that
 * comes out carries the line and column of the thing it is about, so the CLI
 * can print `file:line:col` and editors can underline it. Pure: no Node.
 *
 * JSON files pass a strict JSON syntax check first, so that YAML-only syntax
 * in a .json file (comments, trailing commas) is reported; JSON.parse reads
 * them, and their positions come from an index of the JSON text
 * (json-locate.ts), which answers as the YAML parser would (JSON is YAML).
 * The parts without the YAML parser are in text-load.ts.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node as YamlNode,
} from 'yaml';
import type { Problem } from '../validate/problem';
import type { ValidateOptions } from '../validate';
import { jsonLocator } from './json-locate';
import { jsonSyntaxError } from './json-syntax';
import {
  loadParsed,
  parseJsonText,
  type DocPath,
  type LoadResult,
  type Locator,
  type ParsedText,
  type TextFormat,
  type TextPosition,
} from './text-load';
import { imunesProblem, isImunesText } from './core-legacy';

export {
  withLocations,
  type DocPath,
  type LoadResult,
  type Locator,
  type ParsedText,
  type TextFormat,
  type TextPosition,
} from './text-load';

/** Picks the syntax from the file name, else from the text (a leading `{` or `[` is JSON). */
function detectFormat(text: string, fileName?: string): TextFormat {
  if (fileName) return /\.json$/i.test(fileName) ? 'json' : 'yaml';
  return /^\uFEFF?\s*[{[]/.test(text) && jsonSyntaxError(text) === null ? 'json' : 'yaml';
}

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate-key',
  TAB_AS_INDENT: 'tab-indent',
  MULTIPLE_DOCS: 'multiple-documents',
};

/** Drops the " at line X, column Y:" snippet the yaml package appends (we report the position separately). */
function cleanYamlMessage(message: string): string {
  if (DEEP.test(message)) return NESTED_TOO_DEEPLY;
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
}

/** The engine's words when a recursive reader runs out of stack: a file nested too deeply. */
const DEEP = /Maximum call stack size exceeded/;
const NESTED_TOO_DEEPLY = 'not valid YAML: nested too deeply';
/**
 * How many values a file may hold once its aliases (`*name`, `<<: *name`)
 * are expanded: a guard against files built to blow up in memory ("billion
 * laughs"), measured before anything is expanded. Counting expansions
 * instead (the YAML library's maxAliasCount) refused a containerlab file
 * whose 300 nodes each merge one `defaults` anchor.
 */
const MAX_EXPANDED = 2_000_000;

/** The number of values `root` expands to, counting each alias as what it names (stops once past `limit`). */
function expandedSize(root: unknown, limit: number): number {
  const memo = new Map<unknown, number>();
  const open = new Set<unknown>();
  const size = (n: unknown): number => {
    if (isAlias(n)) {
      const target = n.resolve(doc);
      // An anchor used inside itself expands to itself once (the library makes it a cycle).
      return target === undefined || open.has(target) ? 1 : size(target);
    }
    const known = memo.get(n);
    if (known !== undefined) return known;
    let total = 1;
    open.add(n);
    if (isMap(n)) for (const p of n.items) total += isPair(p) ? size(p.key) + size(p.value) : 0;
    else if (isSeq(n)) for (const x of n.items) total += size(x);
    open.delete(n);
    if (total > limit) throw new TooBig(total);
    memo.set(n, total);
    return total;
  };
  const doc = root as ReturnType<typeof parseDocument>;
  return size(doc.contents);
}
class TooBig extends Error {
  constructor(readonly size: number) {
    super('too big');
  }
}

/** Where the first alias of a document is, or its start. */
function firstAlias(yd: ReturnType<typeof parseDocument>): number {
  let at = 0;
  visit(yd, {
    Alias(_key, node) {
      at = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return at;
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
    // YAML 1.1 merge keys (`<<: *defaults`), as containerlab's Go YAML reads them: without this
    // the merged settings were kept under a key "<<" and lost.
    merge: true,
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
  if (format === 'json') return parseJsonText(text, locatorFor);

  const problems: Problem[] = [];

  const { yd, toPos, locate } = yamlLocator(text);
  for (const [list, severity] of [
    [yd.errors, 'error'],
    [yd.warnings, 'warning'],
  ] as const) {
    for (const e of list) {
      problems.push({
        code: YAML_CODES[e.code] ?? 'yaml-syntax',
        severity,
        // The YAML library's advice here is to programmers (parseAllDocuments): say what the file holds.
        message:
          e.code === 'MULTIPLE_DOCS'
            ? 'the file holds more than one YAML document (a line "---" starts another one here); a netplumb file is one topology'
            : cleanYamlMessage(e.message),
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
    // Aliases are measured before they are expanded (see MAX_EXPANDED), then expanded without the library's count.
    expandedSize(yd, MAX_EXPANDED);
    const doc = yd.toJS({ maxAliasCount: -1 }) as unknown;
    return { doc, format, problems, locate };
  } catch (e) {
    const message = (e as Error).message;
    const deep = DEEP.test(message);
    problems.push({
      code: 'yaml-syntax',
      severity: 'error',
      message: deep
        ? NESTED_TOO_DEEPLY
        : e instanceof TooBig
          ? `the aliases (*name) here expand to more than ${MAX_EXPANDED.toLocaleString('en')} values: refused, so that a small file cannot fill the memory`
          : message,
      path: [],
      ...(deep ? { line: 1, column: 1 } : toPos(firstAlias(yd))),
    });
    return { format, problems, locate };
  }
}

/**
 * Reads a native topology file: syntax → model (migrate + zod) → validation.
 * `topology` is present whenever the structure parsed, even when validation
 * found errors (so the app can still show it); check `hasErrors(problems)`.
 */
export function loadTopologyText(text: string, fileName?: string, opts: ValidateOptions = {}): LoadResult {
  const { locate: _, ...r } = loadTopologyTextLocated(text, fileName, opts);
  return r;
}

/**
 * loadTopologyText, with the locator of that reading of the text (the CLI
 * places the engine's problems with it, rather than parse the text again).
 */
export function loadTopologyTextLocated(
  text: string,
  fileName?: string,
  opts: ValidateOptions = {},
): LoadResult & { locate?: Locator } {
  // A CORE .imn under another name is no netplumb file (whose first line is a "key:"): say what it
  // is rather than quote the YAML parser.
  if (isImunesText(text))
    return { problems: [imunesProblem()], format: /\.json$/i.test(fileName ?? '') ? 'json' : 'yaml' };
  const parsed = parseDocumentText(text, fileName);
  return { ...loadParsed(parsed, opts), locate: parsed.locate };
}

/**
 * Positions in a YAML or JSON text by document path: a JSON text's from its
 * own index (json-locate.ts, the same answers far sooner), any other's from
 * the YAML parser.
 */
export function locatorFor(text: string): Locator {
  return jsonLocator(text) ?? yamlLocator(text).locate;
}
