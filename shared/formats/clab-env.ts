/**
 * containerlab's environment variables in a topology file. containerlab
 * expands them in the whole text before it reads the YAML
 * (envsubst.BytesRestrictedNoReplace in its topology loader): `${VAR}` and
 * `$VAR` take the value from the environment of the `containerlab deploy`,
 * `${VAR:=default}` / `${VAR:-default}` (and `=` / `-`) fall back to the
 * default, and a variable that is not set and has no default is left as
 * written.
 *
 * An import has no deploy environment: it reads the file as containerlab
 * would with none of the variables set. Each `${…}` is named once, at its
 * line: imported with its default, or left as written (then the name or
 * value it sits in is usually refused further on, at the same line). A bare
 * `$VAR` is left alone without a word: in exec lines it is mostly the
 * container's own shell variable.
 */
import type { Problem } from '../validate/problem';
import { sourceProblem } from './import-result';
import { positionsOf } from './text-positions';

/** `${NAME}`, `${NAME:=d}`, `${NAME:-d}`, `${NAME=d}`, `${NAME-d}`, `${NAME:+a}`, `${NAME+a}`. */
const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+])([^}]*))?\}/g;

/** The text as containerlab reads it with no variable set, and a warning for each variable. */
export function expandClabEnv(text: string): { text: string; problems: Problem[] } {
  if (!text.includes('${')) return { text, problems: [] };
  const problems: Problem[] = [];
  const lineAt = positionsOf(text);
  const out = text.replace(
    BRACED,
    (whole, name: string, op: string | undefined, arg: string, offset: number) => {
      const at = lineAt(offset);
      if (op === undefined || op.endsWith('+')) {
        // `+` gives its text only when the variable is set: with none set it is empty, which
        // containerlab's no-replace mode leaves as written.
        problems.push(
          sourceProblem(
            'warning',
            'clab-env',
            `${whole} is left as written: containerlab takes ${name} from the environment of the deploy, and an import has none (write the value into the file)`,
            at,
          ),
        );
        return whole;
      }
      problems.push(
        sourceProblem(
          'warning',
          'clab-env',
          `${whole} is imported as "${arg}", its default: containerlab takes ${name} from the environment of the deploy when it is set`,
          at,
        ),
      );
      return arg;
    },
  );
  return { text: out, problems };
}
