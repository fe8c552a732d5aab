/**
 * Parsing JSON from an untrusted sender (the browser-mode socket, the
 * privileged helper's stdin) under limits, without ever throwing.
 *
 * Why: JSON.parse itself copes with deep nesting, but everything after it
 * that walks the value recursively (JSON.stringify in a size check, zod,
 * structured clone, our own code) overflows the stack on a message nested a
 * few thousand levels deep, and one such message used to kill the server.
 * The depth is therefore measured on the raw text with a plain loop, before
 * anything is parsed. The byte size is the caller's to check first (on the
 * raw bytes: ws `maxPayload`, the helper's line cap).
 */

/** Deepest nesting of arrays and objects accepted (a topology document needs fewer than 10). */
export const MAX_JSON_DEPTH = 64;

/** The outcome of parseUntrustedJson: the value, or the reason in plain words. */
export type UntrustedJson = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The deepest nesting of `[`/`{` in `text`, counting only brackets outside
 * strings; stops counting once it passes `stopAbove`. Linear, no recursion.
 */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** True when some object in `value` has an own key "__proto__" (iterative walk). */
function hasProtoKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) return true;
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return false;
}

/**
 * Parses `text` as JSON when it is nested at most `maxDepth` deep and has no
 * "__proto__" key; never throws. `what` names the text in messages
 * ("message", "request").
 */
export function parseUntrustedJson(text: string, what = 'message', maxDepth = MAX_JSON_DEPTH): UntrustedJson {
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth)
    return {
      ok: false,
      error: `the ${what} is nested more than ${maxDepth} levels deep; netplumb never sends more than ${maxDepth}`,
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `the ${what} is not valid JSON` };
  }
  // Why: JSON.parse makes "__proto__" an ordinary own key, but any later
  // copy by assignment (Object.assign, a zod record) would turn it into the
  // prototype of the copy. netplumb never uses that key, so it is refused.
  if (hasProtoKey(value))
    return { ok: false, error: `the ${what} has a key named "__proto__", which netplumb never uses` };
  return { ok: true, value };
}
