/** Control characters (C0, DEL, C1) and line or paragraph separators (a global pattern: for replace). */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a file or a command line, made safe to print in a message: each
 * control character (C0, DEL, C1) and line or paragraph separator is written
 * as its escape (`\u001b`), so a name cannot move the cursor, clear the
 * screen, set a terminal title or start a new line that looks like another
 * message (`f.yaml:1:1: error: …`).
 */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
