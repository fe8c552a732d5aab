/**
 * Primed jobs of `nsread run --prime=BATCH` (native-run.ts,
 * native/nsread-prime.c): a plain ip batch may ask for its namespace's read
 * after its writes; records then carry PRIME FP READ SYSCTLS. A read is called
 * stable only for a primed job whose writes succeeded, with a whole
 * fingerprint; anything else about it makes every record untrusted.
 */
import { ALWAYS_READ_KEYS } from '../../shared/model/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRunJobs, parseRunRecords, runBatches, type NsBatch, type PrimedRead } from './native-run';
import type { RunResult, Runner } from './runner';

type Rec = RunResult & { primed?: PrimedRead };

/** What nsread prints for one job with --prime (nsread-run.c: record). */
const record = (i: number, ns: string, r: Rec) =>
  [
    String(i),
    ns,
    String(r.exitCode),
    r.stdout,
    r.stderr,
    r.primed ? (r.primed.stable ? 'stable' : 'unstable') : '',
    r.primed?.stable ? r.primed.fp : '',
    r.primed?.stable ? r.primed.stdout : '',
    r.primed?.stable ? r.primed.sysctls : '',
  ]
    .map((f) => f + '\0')
    .join('');

const text = fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, ''));
const fp = fc.stringMatching(/^[0-9a-f]{64}$/);
const ns = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/);
/** A job and a result nsread could give it: a read only for a primed job, a stable one only after exit 0. */
const pair = fc.oneof(
  fc.record({ ns, exitCode: fc.nat(255), stdout: text, stderr: text }).map((r) => ({
    job: { ns: r.ns, prime: false },
    rec: { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr } as Rec,
  })),
  fc
    .record({ ns, stdout: text, stderr: text, fp, read: text, sysctls: text, stable: fc.boolean() })
    .map((r) => ({
      job: { ns: r.ns, prime: true },
      rec: {
        exitCode: 0,
        stdout: r.stdout,
        stderr: r.stderr,
        primed: r.stable ? { stable: true, fp: r.fp, stdout: r.read, sysctls: r.sysctls } : { stable: false },
      } as Rec,
    })),
  fc.record({ ns, exitCode: fc.integer({ min: 1, max: 255 }), stderr: text }).map((r) => ({
    job: { ns: r.ns, prime: true },
    rec: { exitCode: r.exitCode, stdout: '', stderr: r.stderr } as Rec,
  })),
);

describe('nsread run --prime framing', () => {
  it('a primed job is flagged "prime"; only a plain ip batch may be primed', () => {
    expect(encodeRunJobs([{ ns: 'a', tool: 'ip', input: 'link set dev lo up\n', prime: true }])).toBe(
      'a\0ip\0prime\0link set dev lo up\n\0',
    );
    expect(() => encodeRunJobs([{ ns: 'a', tool: 'tc', input: 'x\n', prime: true }])).toThrow(
      /plain ip batch/,
    );
    expect(() => encodeRunJobs([{ ns: 'a', tool: 'ip', input: 'x\n', prime: true, force: true }])).toThrow(
      /plain ip batch/,
    );
  });

  it('records with reads, in any order, come back to their own jobs whatever bytes they carry (property)', () => {
    fc.assert(
      fc.property(
        fc
          .array(pair, { minLength: 1, maxLength: 10 })
          .chain((pairs) =>
            fc.tuple(fc.constant(pairs), fc.shuffledSubarray([...pairs.keys()], { minLength: pairs.length })),
          ),
        ([pairs, order]) => {
          const out = order.map((i) => record(i, pairs[i].job.ns, pairs[i].rec)).join('');
          const parsed = parseRunRecords(
            out,
            pairs.map((p) => p.job),
            true,
          );
          expect(parsed).toEqual(pairs.map((p) => p.rec));
        },
      ),
    );
  });

  it('output cut anywhere: whole records are kept with their reads, the rest are unknown (property)', () => {
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 6 }), fc.nat(), (pairs, cut) => {
        const out = pairs.map((p, i) => record(i, p.job.ns, p.rec)).join('');
        const at = cut % (out.length + 1);
        const parsed = parseRunRecords(
          out.slice(0, at),
          pairs.map((p) => p.job),
          true,
        );
        expect(parsed).toBeDefined();
        let end = 0;
        pairs.forEach((p, i) => {
          end += record(i, p.job.ns, p.rec).length;
          expect(parsed![i]).toEqual(end <= at ? p.rec : undefined);
        });
      }),
    );
  });

  it('a read said stable where none can be (or shaped wrongly) makes every record untrusted', () => {
    const f = 'a'.repeat(64);
    const rec = (fields: string[]) => fields.map((x) => x + '\0').join('');
    const primed = [{ ns: 'a', prime: true }];
    const plain = [{ ns: 'a', prime: false }];
    const s = 'net.ipv4.icmp_echo_ignore_all = 0\n';
    expect(parseRunRecords(rec(['0', 'a', '0', '', '', 'stable', f, 'out', s]), primed, true)).toEqual([
      { exitCode: 0, stdout: '', stderr: '', primed: { stable: true, fp: f, stdout: 'out', sysctls: s } },
    ]);
    // Not read (nsread run without its server): a stable read without them.
    expect(parseRunRecords(rec(['0', 'a', '0', '', '', 'stable', f, 'out', '']), primed, true)).toEqual([
      { exitCode: 0, stdout: '', stderr: '', primed: { stable: true, fp: f, stdout: 'out', sysctls: '' } },
    ]);
    expect(
      parseRunRecords(rec(['0', 'a', '0', '', '', 'stable', f, 'out', '']), plain, true),
    ).toBeUndefined();
    expect(
      parseRunRecords(rec(['0', 'a', '1', '', '', 'stable', f, 'out', '']), primed, true),
    ).toBeUndefined();
    expect(
      parseRunRecords(rec(['0', 'a', '0', '', '', 'stable', 'A'.repeat(64), '', '']), primed, true),
    ).toBeUndefined();
    expect(
      parseRunRecords(rec(['0', 'a', '0', '', '', 'stable', 'abc', '', '']), primed, true),
    ).toBeUndefined();
    expect(
      parseRunRecords(rec(['0', 'a', '0', '', '', 'unstable', f, '', '']), primed, true),
    ).toBeUndefined();
    expect(
      parseRunRecords(rec(['0', 'a', '0', '', '', 'unstable', '', 'x', '']), primed, true),
    ).toBeUndefined();
    // Sysctls only ever come with a stable read.
    expect(
      parseRunRecords(rec(['0', 'a', '0', '', '', 'unstable', '', '', s]), primed, true),
    ).toBeUndefined();
    expect(parseRunRecords(rec(['0', 'a', '0', '', '', '', '', '', s]), primed, true)).toBeUndefined();
    expect(parseRunRecords(rec(['0', 'a', '0', '', '', 'maybe', '', '', '']), primed, true)).toBeUndefined();
    expect(parseRunRecords(rec(['0', 'a', '0', '', '', '', f, '', '']), primed, true)).toBeUndefined();
    // Five-field records read as nine: misaligned, never taken for reads.
    expect(
      parseRunRecords(
        rec(['0', 'a', '0', '', '', '1', 'a', '0', '', '', '2', 'a', '0', '', '']),
        primed,
        true,
      ),
    ).toBeUndefined();
  });

  it('nsread is asked for --prime=BATCH only when a job is primed, and never without the batch', async () => {
    const calls: string[][] = [];
    const fake: Runner = async (argv) => {
      calls.push([...argv]);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const jobs: NsBatch[] = [{ ns: 'a', tool: 'ip', input: 'x\n' }];
    await runBatches('/nsread', fake, jobs, { concurrency: 3 });
    await runBatches('/nsread', fake, [{ ...jobs[0], prime: true }], { primeBatch: 'address show\n' });
    expect(calls).toEqual([
      ['/nsread', 'run', '3'],
      // The keys every read asks of a namespace follow, so nsread opens them after the writes (nsread-run.c warm).
      ['/nsread', 'run', '4', '--prime=address show\n', ...ALWAYS_READ_KEYS],
    ]);
    await expect(runBatches('/nsread', fake, [{ ...jobs[0], prime: true }])).rejects.toThrow(/batch/);
    // An nsread from before --prime prints its usage and runs nothing: the fan-out runs the wave.
    const usage = 'usage: nsread read MAXJOBS BATCH [--root=BATCH] [SYSCTL_KEY...] < "NAME\\tFP\\tS" lines\n';
    const old: Runner = async () => ({ exitCode: 2, stdout: '', stderr: usage });
    expect(
      await runBatches('/old', old, [{ ...jobs[0], prime: true }], { primeBatch: 'x\n' }),
    ).toBeUndefined();
  });
});
