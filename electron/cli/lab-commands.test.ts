/**
 * `netplumb destroy` refuses a lab name by the shared rule (labNameProblem),
 * the one apply's validator uses: the same names, in the same words, before
 * any engine is chosen (so these run without root and touch no kernel).
 */
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { labNameProblem } from '../../shared/model/lab-name';
import { checkLabName } from '../../shared/validate/names';
import { EXIT } from './command';
import { LAB_COMMANDS } from './lab-commands';

/** Runs `destroy NAME --no-prefix` and returns its exit code and what it wrote on stderr. */
async function destroy(name: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await LAB_COMMANDS.destroy.run(
      { positionals: [name], flags: { 'no-prefix': true }, rest: [] },
      ['destroy', name, '--no-prefix'],
    );
    return { code, stderr };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('netplumb destroy NAME', () => {
  it('refuses what apply refuses, in the same words', async () => {
    for (const name of ['a..b', 'x'.repeat(33), 'Lab', '-lab', '.lab', 'lab:1', 'la/b']) {
      const problem = labNameProblem(name);
      expect(problem, name).not.toBeNull();
      // apply's validator says exactly this about the same name.
      expect(checkLabName(name)?.reason).toBe(problem);
      const r = await destroy(name);
      expect(r.code, name).toBe(EXIT.invalid);
      expect(r.stderr).toContain(`"${name}" is neither a readable file nor a lab name: ${problem}.`);
    }
  });

  it('refuses every name the shared rule refuses (property), never reaching the engine', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ minLength: 1, maxLength: 40 })
          .filter((s) => labNameProblem(s) !== null && !existsSync(s)),
        async (name) => {
          const r = await destroy(name);
          expect(r.code).toBe(EXIT.invalid);
          expect(r.stderr).toContain(labNameProblem(name)!);
        },
      ),
      { numRuns: 200 },
    );
  });
});
