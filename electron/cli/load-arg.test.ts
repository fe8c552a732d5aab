import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from './args';
import { EXIT } from './command';
import { loadFileArg } from './load-arg';

const EXAMPLES = join(import.meta.dirname, '../../examples');

describe('loadFileArg (plan, apply, status, check, trace)', () => {
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    return { err, out };
  };

  it('loads a valid file', async () => {
    capture();
    const r = await loadFileArg(parseArgs([join(EXAMPLES, 'router.yaml')], ['prefix']), 'netplumb plan FILE');
    expect(r.code).toBeUndefined();
    expect(r.loaded?.topology?.name).toBe('router');
    expect(r.loaded?.doc).toBeDefined();
  });

  it('prints the usage without FILE, and the located problem for a missing file', async () => {
    const io = capture();
    expect((await loadFileArg(parseArgs([], []), 'netplumb check FILE')).code).toBe(EXIT.invalid);
    expect(io.err.join('')).toContain('usage: netplumb check FILE');
    expect((await loadFileArg(parseArgs(['/nonexistent/lab.yaml'], []), 'x')).code).toBe(EXIT.invalid);
    expect(io.err.join('')).toMatch(/lab\.yaml.*no such file/);
    expect(io.err.join('')).toContain('not valid; nothing was changed');
  });

  it('answers JSON with --json', async () => {
    const io = capture();
    expect((await loadFileArg(parseArgs(['/nonexistent/lab.yaml', '--json'], []), 'x')).code).toBe(
      EXIT.invalid,
    );
    const j = JSON.parse(io.out.join(''));
    expect(j).toMatchObject({ file: '/nonexistent/lab.yaml', ok: false });
    expect(j.problems[0].code).toBe('file-unreadable');
  });
});
