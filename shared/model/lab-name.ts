/**
 * The lab-name rule, defined once: the validator (validate/names.ts), the IPC
 * contract (ipc/contract.ts) and the lab store on the kernel side all use it,
 * so a name one of them accepts is never refused by another.
 */
import * as z from 'zod';
import { clip } from '../util/words';
import { visible } from '../util/visible';

/** Maximum length of a lab name. */
export const LAB_NAME_MAX = 32;

const LAB_NAME_CHARS = /^[a-z0-9][a-z0-9._-]*$/;

/** The whole rule but the length, as a JSON Schema `pattern` (ECMA-262): for editors and the schema file. */
export const LAB_NAME_PATTERN = '^(?!.*\\.\\.)[a-z0-9][a-z0-9._-]*$';

/**
 * Why a lab name is refused, in plain words, or null when it is fine.
 *
 * Why these rules: the lab name becomes a directory and file names under the
 * run directory (state, journals, locks) and part of the ownership marks
 * `netplumb:<lab>:...` on kernel objects. ':' or '/' would break both, a
 * leading '-' or '.' reads as an option or a hidden file, and ".." is refused
 * anywhere so no path built from the name can ever climb a directory.
 */
export function labNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'the lab name cannot be empty';
  const why = 'because it is used in file names and in the marks netplumb puts on kernel objects';
  if (name.length > LAB_NAME_MAX) {
    return `the lab name "${visible(clip(name))}" is ${name.length} characters; at most ${LAB_NAME_MAX} are allowed ${why}`;
  }
  if (!LAB_NAME_CHARS.test(name)) {
    return `the lab name "${visible(name)}" may use only lower-case letters, digits, "-", "_" and "." and must start with a letter or digit, ${why}`;
  }
  if (name.includes('..')) return `the lab name "${visible(name)}" cannot contain "..", ${why}`;
  return null;
}

/** True when `name` is a valid lab name. */
export function isLabName(name: unknown): name is string {
  return labNameProblem(name) === null;
}

/** The lab-name rule as a schema (for messages that carry a lab name). */
export const LabName = z.string().superRefine((name, ctx) => {
  const problem = labNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
