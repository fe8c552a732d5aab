/**
 * The registry is the one list of commands and exit codes: help and the
 * README are made from it, and these tests fail when either drifts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, EXIT_CODES } from './command';
import { acceptedOptions } from './args';
import { main } from './main';
import { COMMANDS, EXIT_CODES_HELP, helpFor, README_EXIT_MARKS, readmeExitTable, USAGE } from './registry';

const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const names = Object.keys(COMMANDS);
const codes = Object.values(EXIT);

describe('command registry', () => {
  it('has the commands users know', () => {
    // A floor, so an empty or half-gathered registry cannot pass the checks below.
    for (const n of ['validate', 'plan', 'apply', 'status', 'destroy', 'list', 'serve', 'exec', 'grade'])
      expect(names).toContain(n);
    expect(names.length).toBeGreaterThanOrEqual(20);
  });

  it('lists every command in `netplumb --help`, each synopsis on its own line', () => {
    const lines = USAGE.split('\n');
    for (const [name, cmd] of Object.entries(COMMANDS)) {
      expect(cmd.synopsis.length, name).toBeGreaterThan(0);
      for (const s of cmd.synopsis) {
        expect(s.usage.split(' ')[0], `${name}: a synopsis starts with the command's name`).toBe(name);
        const first = typeof s.summary === 'string' ? s.summary : s.summary[0];
        expect(
          lines.some((l) => l.startsWith(`  ${s.usage} `) && l.endsWith(first)),
          `${name}: "${s.usage}" in --help`,
        ).toBe(true);
      }
    }
  });

  it('gives every command its own help, starting with its usage', () => {
    for (const [name, cmd] of Object.entries(COMMANDS)) {
      expect(helpFor(name)).toBe(cmd.help);
      expect(cmd.help, name).toMatch(new RegExp(`^usage: (sudo npx )?netplumb ${name}( |$)`, 'm'));
    }
    expect(helpFor('no-such-topic')).toBe(USAGE);
    // Inherited names are not commands (an object's "constructor" is not a help topic).
    expect(helpFor('constructor')).toBe(USAGE);
  });

  it('has one meaning per exit code, codes 0 to n without gaps', () => {
    expect(Object.keys(EXIT_CODES).sort()).toEqual(Object.keys(EXIT).sort());
    expect([...codes].sort((a, b) => a - b)).toEqual(codes.map((_, i) => i));
  });

  it('shows every exit code in --help and in `help exit-codes`', () => {
    const summary = USAGE.slice(USAGE.indexOf('Exit codes:'));
    for (const [k, code] of Object.entries(EXIT)) {
      expect(summary, k).toContain(`${code} ${EXIT_CODES[k as keyof typeof EXIT].short}`);
      expect(EXIT_CODES_HELP, k).toMatch(new RegExp(`^  ${code}  `, 'm'));
    }
    expect(helpFor('exit-codes')).toBe(EXIT_CODES_HELP);
  });

  it('uses only codes of the table where a help text names an exit code', () => {
    for (const [name, cmd] of Object.entries(COMMANDS)) {
      // "Exit 0 applied, 1 invalid …, 2 a kernel step failed": every number after "Exit"/"exit" in that sentence.
      for (const m of cmd.help.matchAll(/\b[Ee]xit((?:,? (?:or )?\d\b[^,.]*)+)/g))
        for (const n of m[1].matchAll(/(?:^|, |,? or | )(\d)\b/g))
          expect(codes, `${name}: "${m[0]}"`).toContain(Number(n[1]));
    }
  });

  it("matches the README's exit-code table", () => {
    const begin = README.indexOf(README_EXIT_MARKS.begin);
    const end = README.indexOf(README_EXIT_MARKS.end);
    expect(begin, 'README.md has the exit-code block').toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(begin);
    const block = README.slice(begin, end + README_EXIT_MARKS.end.length);
    expect(block, 'README.md: paste readmeExitTable() from electron/cli/registry.ts').toBe(readmeExitTable());
  });

  it("has every command in the README's command tables", () => {
    const rows = README.split('\n').filter((l) => l.startsWith('| `'));
    for (const name of names) {
      // "| `netplumb NAME …`", or a second command in a row: "… / `NAME …`".
      const row = new RegExp(`^\\| \`(sudo npx )?netplumb ${name}\\b| / \`${name}\\b`);
      expect(
        rows.some((l) => row.test(l)),
        name,
      ).toBe(true);
    }
  });
});

describe('netplumb help', () => {
  afterEach(() => vi.restoreAllMocks());
  const run = async (...argv: string[]) => {
    let text = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((text += String(s)), true));
    const code = await main(argv);
    return { code, text };
  };

  it('prints the exit-code table as a help topic', async () => {
    const r = await run('help', 'exit-codes');
    expect(r.code).toBe(0);
    expect(r.text).toBe(EXIT_CODES_HELP + '\n');
    expect(r.text).toContain('2  a kernel step failed (everything rolled back)');
  });

  it('prints the overview with no command (exit 1) and on --help (exit 0)', async () => {
    expect(await run()).toEqual({ code: EXIT.invalid, text: USAGE + '\n' });
    expect(await run('--help')).toEqual({ code: EXIT.ok, text: USAGE + '\n' });
  });
});

describe('arguments beyond those a command takes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are refused with exit 1 before the command runs, naming them; as many as it takes run it', async () => {
    const cmds = Object.entries(COMMANDS).filter(([, c]) => c.positionals);
    expect(cmds.map(([n]) => n).sort()).toEqual(
      ['apply', 'destroy', 'export', 'import', 'plan', 'status', 'validate'].sort(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cmds),
        fc.array(fc.stringMatching(/^[a-z0-9./_]{1,12}$/), { minLength: 1, maxLength: 3 }),
        async ([name, cmd], extra) => {
          const spy = vi.spyOn(cmd, 'run').mockResolvedValue(EXIT.ok);
          let text = '';
          const w = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((text += String(s)), true));
          try {
            const own = cmd.positionals!.map((_, i) => `f${i}.yaml`);
            expect(await main([name, ...own, ...extra])).toBe(EXIT.invalid);
            expect(spy).not.toHaveBeenCalled();
            expect(text).toContain(`netplumb ${name}: takes ${cmd.positionals!.join(' ')}, and no more:`);
            expect(text).toContain(
              `${extra.map((x) => JSON.stringify(x)).join(' ')} left over; nothing was done`,
            );
            expect(await main([name, ...own])).toBe(EXIT.ok);
            expect(spy).toHaveBeenCalledTimes(1);
          } finally {
            spy.mockRestore();
            w.mockRestore();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('options a command does not know', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are refused with exit 1 before the command runs, naming them (property over every command)', async () => {
    const cmds = Object.entries(COMMANDS);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...cmds),
        fc.stringMatching(/^[a-z][a-z0-9-]{1,14}$/),
        async ([name, cmd], opt) => {
          fc.pre(!acceptedOptions(cmd.help, cmd.valued).has(opt));
          const runs = vi.fn(cmd.run);
          const spy = vi.spyOn(cmd, 'run').mockImplementation(runs);
          let text = '';
          const w = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((text += String(s)), true));
          try {
            expect(await main([name, 'x.yaml', `--${opt}`])).toBe(EXIT.invalid);
            expect(runs).not.toHaveBeenCalled();
            expect(text).toContain(`netplumb ${name}: unknown option --${opt}; nothing was done`);
          } finally {
            spy.mockRestore();
            w.mockRestore();
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("are every option a command's help names, the valued ones, --help and --json: each is accepted", () => {
    // (args.ts is small and pure.)
    // What the commands read (grep of args.flags in electron/cli): each is named in its command's help.
    const read: Record<string, string[]> = {
      apply: ['quiet', 'refresh', 'prefix', 'no-prefix'],
      adopt: ['yes'],
      export: ['to', 'o', 'output', 'image'],
      import: ['from', 'name', 'o', 'output', 'prefix'],
      'import-host': ['namespaces', 'lab', 'o', 'output'],
      serve: ['port', 'open'],
      helper: ['user', 'node'],
      ping: ['count'],
      trace: ['keep-neighbours'],
      grade: ['out', 'jobs'],
    };
    for (const [name, cmd] of Object.entries(COMMANDS)) {
      const ok = acceptedOptions(cmd.help, cmd.valued);
      for (const f of ['help', 'json', ...(read[name] ?? [])]) expect(ok.has(f), `${name} --${f}`).toBe(true);
    }
    expect(acceptedOptions('usage: x FILE [--dry-run-ish] -o OUT').has('dry-run-ish')).toBe(true);
    expect(acceptedOptions('usage: x FILE [--quiet]').has('dry-run')).toBe(false);
  });
});
