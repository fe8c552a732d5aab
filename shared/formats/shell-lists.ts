/**
 * Shell text as the lab files of other tools hold it (containerlab `exec:`,
 * Kathará `.startup` files, ifupdown's `up` options): a command line split
 * into its words, a script split into the simple commands of its lists, and
 * `sh -c '…'` unwrapped to the commands inside. Kept apart from the command
 * readers (ip-commands, netkit-lines, ifupdown) because this is the shell's
 * grammar, not a tool's: every importer goes through it first to find the
 * commands, and netplumb never runs the shell itself.
 */

/** Splits a command line into words (single/double quotes group; no expansions). */
export function shellWords(line: string): string[] | null {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) return null;
      cur += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (c === '#' && !inWord) {
      break;
    } else if ('|&;<>`$(){}\\'.includes(c)) {
      return null; // shell syntax: not a single simple command we can read
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Reserved words that open a compound command when they begin a command… */
const OPENS = new Set(['if', 'while', 'until', 'for', 'case', 'select', '{']);
/** …the word that closes each… */
const CLOSER: Record<string, string> = {
  if: 'fi',
  while: 'done',
  until: 'done',
  for: 'done',
  select: 'done',
  case: 'esac',
  '{': '}',
};
/** …and the words after which the next word begins a command again. */
const LEADS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '{', '!', 'time']);
/** Operators that end a command of a list (at the top level). */
const SEPARATORS = new Set([';', '\n', '&']);
/** Redirection operators: the word after one is a file name, not a command. */
const REDIRECTS = new Set(['<', '>', '>>', '<&', '>&', '<>', '>|']);

/** A word or an operator of a shell script, with where it is (`quoted`: a word with quotes, escapes or substitutions). */
interface ShellToken {
  op?: string;
  word?: string;
  quoted?: boolean;
  start: number;
  end: number;
  depth?: number;
}

/** The index after the quoted or substituted part that begins at `i` ('…', "…", `…`, $(…), ${…}); -1 when it does not close. */
function skipQuoted(s: string, i: number): number {
  const c = s[i];
  if (c === "'") {
    const e = s.indexOf("'", i + 1);
    return e < 0 ? -1 : e + 1;
  }
  if (c === '"' || c === '`') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === c) return j + 1;
    }
    return -1;
  }
  const open = s[i + 1];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let j = i + 1; j < s.length; j++) {
    const d = s[j];
    if (d === '\\') j++;
    else if (d === "'" || d === '"' || d === '`') {
      const e = skipQuoted(s, j);
      if (e < 0) return -1;
      j = e - 1;
    } else if (d === open) depth++;
    else if (d === close && --depth === 0) return j + 1;
  }
  return -1;
}

/** The words and operators of a POSIX shell script; null when a quote or substitution does not close, or for a here-document. */
function shellTokens(s: string): ShellToken[] | null {
  const toks: ShellToken[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\\' && s[i + 1] === '\n') i += 2;
    else if (c === '#') while (i < s.length && s[i] !== '\n') i++;
    else {
      const op = /^(?:&&|\|\||;;|<<-?|>>|<&|>&|<>|>\||[\n;&|()<>])/.exec(s.slice(i, i + 3));
      if (op) {
        if (op[0].startsWith('<<')) return null;
        toks.push({ op: op[0], start: i, end: i + op[0].length });
        i += op[0].length;
        continue;
      }
      const start = i;
      let quoted = false;
      // Only the shell's own blanks end a word: a no-break space (text pasted from a web page) or a
      // form feed is an ordinary character to sh, and a word that ended on one never advanced.
      while (i < s.length && !/[ \t\r\n;&|()<>]/.test(s[i])) {
        if (s[i] === '\\') {
          i += 2;
          quoted = true;
        } else if (/['"`]/.test(s[i]) || (s[i] === '$' && (s[i + 1] === '(' || s[i + 1] === '{'))) {
          const e = skipQuoted(s, i);
          if (e < 0) return null;
          i = e;
          quoted = true;
        } else i++;
      }
      if (i === start) i++; // never stand still, whatever the character
      i = Math.min(i, s.length);
      toks.push({ word: s.slice(start, i), quoted, start, end: i });
    }
  }
  return toks;
}

/**
 * The simple commands of a shell script, each as written: the commands of a
 * list joined by newlines, `;` or `&&`, in order (netplumb takes every
 * command to succeed, so `a && b` runs both). A compound command
 * (`while …; do …; done`, `if … fi`, `for`, `case`, `{ … }`, `( … )`) stays
 * one command, and so does a list that holds `||`, a pipe or a background
 * `&`: netplumb reads none of them, and splitting them would change what
 * runs. Comments and blank lines are left out. Null when the script does not
 * parse: a quote, a substitution or a compound command that does not close,
 * an operator with nothing after it, a here-document.
 */
export function splitShellList(script: string): string[] | null {
  const toks = shellTokens(script);
  if (!toks) return null;
  const out: string[] = [];
  const stack: string[] = [];
  let list: ShellToken[] = [];
  let atStart = true;
  const flush = (sep: ShellToken | undefined): boolean => {
    if (list.length === 0) return sep === undefined || sep.op === '\n';
    const top = list.filter((t) => t.depth === 0 && t.op !== undefined);
    const joiner = (t: ShellToken | undefined) => t?.op === '&&' || t?.op === '||' || t?.op === '|';
    if (joiner(list[0]) || joiner(list[list.length - 1])) return false;
    const whole = sep?.op === '&' || top.some((t) => t.op === '||' || t.op === '|');
    const parts: ShellToken[][] = [[]];
    for (const t of list)
      if (!whole && t.depth === 0 && t.op === '&&') parts.push([]);
      else parts[parts.length - 1].push(t);
    if (parts.some((p) => p.length === 0)) return false;
    for (const p of parts) out.push(script.slice(p[0].start, (sep?.op === '&' ? sep : p[p.length - 1]).end));
    list = [];
    return true;
  };
  for (const t of toks) {
    const depth = stack.length;
    // A newline after `&&`, `||` or `|` continues the list (sh's linebreak).
    const prev = list[list.length - 1]?.op;
    if (t.op === '\n' && (prev === '&&' || prev === '||' || prev === '|')) continue;
    const word = t.word !== undefined && !t.quoted ? t.word : undefined;
    if (atStart && word !== undefined && OPENS.has(word)) stack.push(word);
    else if (atStart && word !== undefined && Object.values(CLOSER).includes(word)) {
      const opened = stack.pop();
      if (opened === undefined || CLOSER[opened] !== word) return null;
    } else if (t.op === '(' && atStart) stack.push('(');
    else if (t.op === ')' && stack[stack.length - 1] === '(') stack.pop();
    else if (t.op === ';;' && stack[stack.length - 1] !== 'case') return null;
    if (depth === 0 && stack.length === 0 && t.op !== undefined && SEPARATORS.has(t.op)) {
      if (!flush(t)) return null;
    } else list.push({ ...t, depth });
    atStart =
      t.op !== undefined
        ? t.op === ')'
          ? stack[stack.length - 1] === 'case'
          : !REDIRECTS.has(t.op)
        : word !== undefined && LEADS.has(word);
  }
  if (stack.length > 0 || !flush(undefined)) return null;
  return out;
}

/**
 * The commands of `sh -c '…'` (also `ash`, `bash`, `dash`, under /bin or
 * /usr/bin): the one argument after `-c`, in single quotes or in double
 * quotes with nothing the shell would expand or unescape in it, split by
 * `splitShellList`. Null for any other line, and for any other quoting.
 */
export function unwrapShell(line: string): string[] | null {
  const m = /^(\S+)[ \t]+-c[ \t]+(['"])([\s\S]*)\2$/.exec(line.trim());
  if (!m || !/^(?:(?:\/usr)?\/bin\/)?(?:sh|ash|bash|dash)$/.test(m[1])) return null;
  const [, , quote, body] = m;
  if (body.includes(quote) || (quote === '"' && /[\\$`]/.test(body))) return null;
  return splitShellList(body);
}
