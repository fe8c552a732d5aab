/**
 * Test support: a TypeScript port of how iproute2 reads `-batch` input —
 * `getcmdline()` and `makeargs()` in lib/utils.c (the same code since the
 * 2.6.x days; checked against iproute2 main and v6.1.0), driven as
 * `do_batch()` drives them. Written from the C source so tests can check that
 * the lines netplumb writes split into exactly the words the plan shows.
 *
 * Semantics kept on purpose, including the odd ones:
 * - each line is cut at its first `#`, quoted or not;
 * - a backslash immediately followed by the newline joins the next line
 *   (which is also cut at its `#`); a missing continuation line ends input;
 * - words are split on space, tab, CR and LF; no escapes exist;
 * - a word that starts with `"` or `'` runs to the next same quote (blanks
 *   included), and the character after the closing quote starts a new scan;
 *   an unterminated quote makes iproute2 exit ("Unterminated quoted string");
 * - a quote inside an unquoted word is an ordinary character;
 * - NUL ends a C string, so text after it on a line is never seen;
 * - MAX_ARGS (512): a line with 511 words or more makes iproute2 exit.
 */

/** One command iproute2 runs from batch input, with the 1-based line number it reports. */
export interface BatchCommand {
  line: number;
  argv: string[];
}

/** The result of reading batch input: the commands, and why reading stopped early (iproute2 exits). */
export interface BatchRead {
  commands: BatchCommand[];
  error?: string;
}

const MAX_ARGS = 512;
const WS = ' \t\r\n';

/** C `getline`: splits text into lines that keep their '\n' (the last may lack it). */
function cLines(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('\n', i);
    const end = j < 0 ? text.length : j + 1;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** C string view: everything before the first NUL. */
const cstr = (s: string) => {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
};

/** Port of makeargs(): splits one (comment-stripped, joined) line into words. */
export function makeargs(line: string): { argv: string[]; error?: string } {
  const s = cstr(line);
  const argv: string[] = [];
  let cp = 0;
  while (cp < s.length) {
    while (cp < s.length && WS.includes(s[cp])) cp++; // strspn(cp, ws)
    if (cp >= s.length) break;
    if (argv.length >= MAX_ARGS - 1) return { argv, error: 'Too many arguments to command' };
    if (s[cp] === "'" || s[cp] === '"') {
      const quote = s[cp++];
      const end = s.indexOf(quote, cp); // strchr(cp, quote)
      if (end < 0) return { argv, error: 'Unterminated quoted string' };
      argv.push(s.slice(cp, end));
      cp = end + 1; // *cp++ = 0 overwrites the closing quote
    } else {
      let end = cp;
      while (end < s.length && !WS.includes(s[end])) end++; // strcspn(cp, ws)
      argv.push(s.slice(cp, end));
      if (end >= s.length) break;
      cp = end + 1; // *cp++ = 0 overwrites the blank
    }
  }
  return { argv };
}

/** Cuts a line at its first '#' (getcmdline's comment handling; C string functions stop at NUL). */
const uncomment = (line: string) => {
  const l = cstr(line);
  const h = l.indexOf('#');
  return h < 0 ? l : l.slice(0, h);
};

/** Port of the do_batch() loop: getcmdline() per logical line, then makeargs(). */
export function readBatch(text: string): BatchRead {
  const lines = cLines(text);
  const commands: BatchCommand[] = [];
  let lineno = 0;
  let k = 0;
  while (k < lines.length) {
    let line = uncomment(lines[k++]);
    lineno++;
    // while ((cp = strstr(line, "\\\n")) != NULL): join the continuation line.
    for (let cont = line.indexOf('\\\n'); cont >= 0; cont = line.indexOf('\\\n')) {
      if (k >= lines.length) return { commands, error: 'Missing continuation line' };
      const next = uncomment(lines[k++]);
      lineno++;
      line = line.slice(0, cont) + next;
    }
    const r = makeargs(line);
    if (r.error) return { commands, error: r.error };
    if (r.argv.length) commands.push({ line: lineno, argv: r.argv });
  }
  return { commands };
}
