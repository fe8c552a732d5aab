/**
 * The framing between the executor and `nsread run` (native-run.ts): jobs in
 * as NUL-ended fields, records out as NUL-ended fields in any order. A
 * record is only ever given to its own job; a job without a whole record is
 * an unknown outcome, never a success; and the executor uses nsread only
 * with the real runner.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlan } from './executor';
import { useNsread } from './live-reader';
import {
  encodeRunJobs,
  parseRunRecords,
  ranNothing,
  runBatches,
  UNREPORTED,
  writerFor,
  type NsBatch,
} from './native-run';
import { recordingRunner, type RunResult, type Runner } from './runner';
import type { Change } from '../../shared/plan/change';

/** What nsread prints for one job (nsread-run.c: record). */
const record = (i: number, ns: string, r: RunResult) =>
  [String(i), ns, String(r.exitCode), r.stdout, r.stderr].map((f) => f + '\0').join('');

const text = fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, ''));
const job = fc.record({
  ns: fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/),
  tool: fc.constantFrom('ip' as const, 'tc' as const, 'bridge' as const),
  input: text,
  force: fc.boolean(),
});
const result = fc.record({ exitCode: fc.nat(255), stdout: text, stderr: text });

describe('nsread run framing', () => {
  it('jobs encode as NAME TOOL FLAGS INPUT, each ended by NUL', () => {
    expect(
      encodeRunJobs([
        { ns: 'a', tool: 'ip', input: 'link show\n' },
        { ns: 'b', tool: 'tc', input: 'x', force: true },
      ]),
    ).toBe('a\0ip\0\0link show\n\0b\0tc\0force\0x\0');
    expect(() => encodeRunJobs([{ ns: 'a', tool: 'ip', input: 'x\0y' }])).toThrow(/NUL byte/);
  });

  it('records in any order come back to their own jobs, whatever bytes they carry (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(job, result), { minLength: 1, maxLength: 12 }).chain((pairs) =>
          fc.tuple(
            fc.constant(pairs),
            fc.shuffledSubarray(
              pairs.map((_, i) => i),
              { minLength: pairs.length },
            ),
          ),
        ),
        ([pairs, order]) => {
          const out = order.map((i) => record(i, pairs[i][0].ns, pairs[i][1])).join('');
          const parsed = parseRunRecords(
            out,
            pairs.map(([j]) => j),
          );
          expect(parsed).toEqual(pairs.map(([, r]) => r));
        },
      ),
    );
  });

  it('output cut anywhere: whole records are kept, the rest are unknown, never wrong (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(job, result), { minLength: 1, maxLength: 8 }), fc.nat(), (pairs, cut) => {
        const out = pairs.map(([j, r], i) => record(i, j.ns, r)).join('');
        const at = cut % (out.length + 1);
        const parsed = parseRunRecords(
          out.slice(0, at),
          pairs.map(([j]) => j),
        );
        expect(parsed).toBeDefined();
        let end = 0;
        pairs.forEach(([j, r], i) => {
          end += record(i, j.ns, r).length;
          expect(parsed![i]).toEqual(end <= at ? r : undefined);
        });
      }),
    );
  });

  it('a malformed record makes every record untrusted', () => {
    const jobs = [{ ns: 'a' }, { ns: 'b' }];
    const ok = { exitCode: 0, stdout: '', stderr: '' };
    expect(parseRunRecords(record(0, 'b', ok), jobs)).toBeUndefined(); // not that job's name
    expect(parseRunRecords(record(2, 'a', ok), jobs)).toBeUndefined(); // no such job
    expect(parseRunRecords(record(0, 'a', ok) + record(0, 'a', ok), jobs)).toBeUndefined(); // twice
    expect(parseRunRecords('x\0a\x000\0\0\0', jobs)).toBeUndefined(); // not an index
    expect(parseRunRecords('0\0a\0-1\0\0\0', jobs)).toBeUndefined(); // not an exit code
  });

  it('only a start failure or an nsread without `run` count as "ran nothing" (then, and only then, the fan-out runs the wave)', async () => {
    const usage = 'usage: nsread read MAXJOBS BATCH [SYSCTL_KEY...] < "NAME\\tFP\\tS" lines\n';
    const enoent = 'Command failed with ENOENT: /x/nsread run 4\nspawn /x/nsread ENOENT';
    expect(ranNothing({ exitCode: 2, stdout: '', stderr: usage })).toBe(true);
    expect(ranNothing({ exitCode: 127, stdout: '', stderr: enoent })).toBe(true);
    // Killed, cut input, a record printed, another failure: jobs may have run.
    expect(ranNothing({ exitCode: 127, stdout: '', stderr: 'Command was killed with SIGTERM' })).toBe(false);
    expect(ranNothing({ exitCode: 2, stdout: '', stderr: 'nsread run: the input ended inside a job' })).toBe(
      false,
    );
    expect(ranNothing({ exitCode: 2, stdout: '0\0a\0', stderr: usage })).toBe(false);
    expect(ranNothing({ exitCode: 1, stdout: '', stderr: '' })).toBe(false);
    const old: Runner = async () => ({ exitCode: 2, stdout: '', stderr: usage });
    expect(await runBatches('/old/nsread', old, [{ ns: 'a', tool: 'ip', input: 'x\n' }])).toBeUndefined();
  });

  it('a job nsread did not report is a failure with no line, saying so', async () => {
    const jobs: NsBatch[] = [
      { ns: 'a', tool: 'ip', input: 'link show\n' },
      { ns: 'b', tool: 'ip', input: 'link show\n' },
    ];
    const killed: Runner = async () => ({
      exitCode: 137,
      stdout: record(1, 'b', { exitCode: 0, stdout: 'fine', stderr: '' }) + '0\0a\0',
      stderr: 'Command was killed with SIGKILL',
    });
    const r = (await runBatches('/nsread', killed, jobs))!;
    expect(r[1]).toEqual({ exitCode: 0, stdout: 'fine', stderr: '' });
    expect(r[0].exitCode).toBe(137);
    expect(r[0].stderr.startsWith(UNREPORTED)).toBe(true);
    expect(r[0].stderr).not.toMatch(/Command failed/);
  });
});

describe('which runner the executor lets nsread run for', () => {
  afterEach(() => useNsread(undefined));

  it('never a test runner, even when a test names an nsread: every argv reaches the recorder', async () => {
    useNsread('/nonexistent/nsread');
    const { run, calls } = recordingRunner();
    expect(writerFor(run)).toBeUndefined();
    const change = (step: number, ns: string): Change => ({
      step,
      phase: 'ns',
      action: 'modify',
      ns,
      op: { op: 'link-set', dev: 'lo', up: true },
      subject: { kind: 'link', namespace: ns, name: 'lo' },
      argv: ['ip', '-n', ns, 'link', 'set', 'dev', 'lo', 'up'],
      batch: ['link', 'set', 'dev', 'lo', 'up'],
      reason: 'test',
      target: { kind: 'interface', name: `lo in ${ns}` },
    });
    const r = await runPlan([change(0, 'n1'), change(1, 'n2')], { runner: run });
    expect(r.ok).toBe(true);
    expect(calls.map((c) => c.argv.join(' ')).sort()).toEqual(['ip -n n1 -batch -', 'ip -n n2 -batch -']);
  });
});
