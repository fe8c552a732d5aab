/**
 * A strict JSON syntax checker that says *where* the first error is.
 * `JSON.parse` messages differ between engines (Node, Chromium) and rarely
 * give a line; YAML accepts things JSON does not (comments, trailing commas,
 * single quotes). This recursive-descent scanner follows RFC 8259 and returns
 * the offset of the first offending character. Duplicate keys in an object
 * count as errors (JSON.parse would silently keep the last one).
 */

/** The first syntax error in a JSON text, or null when the text is valid JSON. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

class Fail extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 512;

/**
 * Checks `text` against the JSON grammar; returns the first error or null.
 * A text JSON.parse accepts is answered without the scanner when it has no
 * duplicate key and nothing the scanner treats differently (deep nesting,
 * very long numbers): each ":" outside a string starts one member, so there
 * are as many members as own keys of the parsed objects exactly when no key
 * repeats. Anything else goes through the scanner, which places the error.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  return acceptedAsIs(text) ? null : scanJson(text);
}

/** Nesting and number length up to which acceptedAsIs answers (the scanner's limits are far above). */
const QUICK_DEPTH = 256;
const QUICK_NUMBER = 300;

/** True when `text` is valid JSON with no duplicate key, judged without the scanner; false: ask the scanner. */
function acceptedAsIs(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return false;
  }
  let members = 0;
  let depth = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: JSON.parse accepted it, so it ends at an unescaped quote.
      for (i++; text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
      run = 0;
    } else if (c === 0x3a) members++;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > QUICK_DEPTH) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
    // Digits, sign, point, exponent: the scanner reads a number in a window of 400 characters.
    else if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) {
      if (++run > QUICK_NUMBER) return false;
      continue;
    }
    run = 0;
  }
  return members === ownKeys(parsed);
}

/** Own keys of every object in a parsed JSON value. */
function ownKeys(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) for (const x of v) n += ownKeys(x);
  else for (const k of Object.keys(v)) n += 1 + ownKeys((v as Record<string, unknown>)[k]);
  return n;
}

/** The recursive-descent scanner: the first error with its place, or null. */
export function scanJson(text: string): JsonSyntaxError | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const describe = (at: number) => (at >= text.length ? 'the end of the file' : JSON.stringify(text[at]));
  const fail = (expected: string): never => {
    throw new Fail(i, `expected ${expected} but found ${describe(i)}`);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail('a value');
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= text.length) throw new Fail(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return text.slice(start, i);
      }
      if (c < 0x20) throw new Fail(i, 'control character inside a string (use \\n, \\t, ...)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            throw new Fail(i, 'bad \\u escape in a string');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new Fail(i, 'bad escape in a string');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail('a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) throw new Fail(i, 'nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      // Duplicate keys are an error: JSON.parse would silently keep the last one.
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        const keyAt = i;
        const raw = string();
        const key = JSON.parse(raw) as string;
        if (keys.has(key)) throw new Fail(keyAt, `duplicate key ${raw}`);
        keys.add(key);
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('"," or "}"');
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('"," or "]"');
      }
    } else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else fail('a value');
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    ws();
    if (i < text.length) fail('the end of the file');
    return null;
  } catch (e) {
    if (e instanceof Fail) return { offset: e.offset, message: e.message };
    throw e;
  }
}
