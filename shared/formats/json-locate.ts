/**
 * Positions in a JSON text by document path, without the YAML parser.
 *
 * A problem in a JSON file is placed at the value its path names (or the
 * nearest one that exists), as the YAML parser places it (document.ts
 * locatorFor: JSON is YAML). That parser builds a whole document with source
 * tokens first: ~25 ms for a 200-host star file and ~90 ms for a 1000-host one
 * once warm, to place one warning on a file JSON.parse read in 2 ms. Here one
 * pass over the text records where each value starts (each object member by
 * its key, each array item by its index), and a position costs a walk down the path and a binary search of the lines.
 * json-locate.test.ts checks the answers are the YAML parser's, path by path,
 * on random JSON texts.
 */
import type { DocPath, Locator, TextPosition } from './text-load';

/** Where a value starts, and its members or items when it is an object or an array. */
interface Spot {
  at: number;
  members?: Map<string, Spot>;
  items?: Spot[];
}

/** As json-syntax.ts: deeper texts are no valid JSON there (jsonLocator answers undefined; locatorFor asks the YAML parser). */
const MAX_DEPTH = 512;

class NotJson extends Error {}

/**
 * The values of a JSON text by where they start, or undefined when the text
 * is not JSON (its answer is then the YAML parser's). A leading byte order
 * mark is skipped but counted, as the YAML parser counts it.
 */
function spotsOf(text: string): Spot | undefined {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const ws = () => {
    for (
      let c = text.charCodeAt(i);
      c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
      c = text.charCodeAt(++i)
    );
  };
  /** Skips a string at i (its opening quote); returns its text, decoded only when it has an escape. */
  const string = (): string => {
    const start = i++;
    let escaped = false;
    for (;;) {
      if (i >= n) throw new NotJson();
      const c = text.charCodeAt(i++);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        i++;
      } else if (c < 0x20) throw new NotJson();
    }
    const raw = text.slice(start, i);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };
  const value = (depth: number): Spot => {
    if (depth > MAX_DEPTH) throw new NotJson();
    ws();
    const spot: Spot = { at: i };
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      const members = new Map<string, Spot>();
      spot.members = members;
      i++;
      ws();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        return spot;
      }
      for (;;) {
        ws();
        if (text.charCodeAt(i) !== 0x22) throw new NotJson();
        const key = string();
        ws();
        if (text.charCodeAt(i++) !== 0x3a /* : */) throw new NotJson();
        const v = value(depth + 1);
        // A repeated key (no valid netplumb file has one): the first, as the YAML parser finds it.
        if (!members.has(key)) members.set(key, v);
        ws();
        const e = text.charCodeAt(i++);
        if (e === 0x7d) return spot;
        if (e !== 0x2c) throw new NotJson();
      }
    }
    if (c === 0x5b /* [ */) {
      const items: Spot[] = [];
      spot.items = items;
      i++;
      ws();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        return spot;
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const e = text.charCodeAt(i++);
        if (e === 0x5d) return spot;
        if (e !== 0x2c) throw new NotJson();
      }
    }
    if (c === 0x22) {
      string();
      return spot;
    }
    // A number or a literal: up to the next delimiter (JSON.parse has judged the text already).
    const start = i;
    for (
      let d = text.charCodeAt(i);
      i < n && d !== 0x2c && d !== 0x7d && d !== 0x5d && d !== 0x20 && d !== 0x09 && d !== 0x0a && d !== 0x0d;
      d = text.charCodeAt(++i)
    );
    if (i === start) throw new NotJson();
    return spot;
  };
  try {
    // The scanner above checks structure, not every token: JSON.parse judges those.
    JSON.parse(i ? text.slice(i) : text);
    const root = value(0);
    ws();
    return i === n ? root : undefined;
  } catch {
    return undefined;
  }
}

/** Offsets of the text's line feeds, for positions (a line ends at "\n", as offsetToPosition counts). */
function lineFeeds(text: string): number[] {
  const at: number[] = [];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) at.push(k);
  return at;
}

/** The 1-based line and column of `offset`, given the line feeds before and after it. */
function positionOf(feeds: readonly number[], offset: number): TextPosition {
  // Line feeds before offset: binary search.
  let lo = 0;
  let hi = feeds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (feeds[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return { line: lo + 1, column: offset - (lo ? feeds[lo - 1] : -1) };
}

/** The value `path` names, or the deepest one on its way that exists (document.ts nodeAtPath). */
function spotAt(root: Spot, path: DocPath): Spot {
  let cur = root;
  for (const seg of path) {
    const next = cur.members
      ? cur.members.get(String(seg))
      : cur.items && typeof seg === 'number'
        ? cur.items[seg]
        : undefined;
    if (!next) break;
    cur = next;
  }
  return cur;
}

/**
 * A locator over a JSON text, or undefined when the text is not JSON (ask the
 * YAML parser then). The text is indexed here, its lines on the first
 * position asked.
 */
export function jsonLocator(text: string): Locator | undefined {
  const root = spotsOf(text);
  if (!root) return undefined;
  let feeds: number[] | undefined;
  return (path) => positionOf((feeds ??= lineFeeds(text)), spotAt(root, path).at);
}
