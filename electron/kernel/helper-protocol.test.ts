/**
 * The helper's root boundary without a kernel: hostile requests are refused
 * by the protocol's schemas (parseHelperLine), and live operations on a lab
 * refuse nodes the lab does not have and namespaces it does not own, before
 * any process runs.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HELPER_OPS, OP_TIMEOUT_MS, SEQUENTIAL_OPS, type HelperOp } from './helper-protocol';
import { handleHelperLine, parseHelperLine, serveHelper } from './privileged-helper';
import { LabStore } from './lab-store';
import { recordingRunner } from './runner';
import { tempRunDir } from './test-support/lab-fixture';

const line = (op: string, args: unknown, id = 1) => JSON.stringify({ id, op, args });
const refusal = (op: string, args: unknown): string => {
  const p = parseHelperLine(line(op, args));
  if (!('answer' in p)) throw new Error(`${op} ${JSON.stringify(args)} was accepted`);
  return (p.answer as { error: string }).error;
};
const term = { lab: 'lab1', nodeId: 'ns1', cols: 80, rows: 24, session: 'abcdef0123' };

describe('helper protocol: hostile arguments are refused', () => {
  it('refuses ".." and path-like lab names in every op that names a lab', () => {
    for (const lab of ['..', '../etc', 'a/../b', 'a..b', '/run/netns/x', 'Lab', '', 'x'.repeat(65)]) {
      expect(refusal('tables', { lab, nodeId: 'ns1' })).toMatch(/malformed.*lab/);
      expect(refusal('ping', { lab, from: 'ns1', to: 'ns2' })).toMatch(/malformed.*lab/);
      expect(refusal('term-open', { ...term, lab })).toMatch(/malformed.*lab/);
      expect(refusal('capture-start', { lab, linkId: 'l1', end: 'a', session: 'abcdef0123' })).toMatch(
        /malformed.*lab/,
      );
      expect(refusal('destroy', { lab })).toMatch(/malformed.*lab/);
    }
  });

  it('refuses node ids that are not document ids, bad sessions, bad sizes and extra keys', () => {
    expect(refusal('term-open', { ...term, nodeId: '../ns1' })).toMatch(/nodeId/);
    expect(refusal('term-open', { ...term, nodeId: 'ns1;id' })).toMatch(/nodeId/);
    expect(refusal('term-open', { ...term, session: 'NOT-HEX' })).toMatch(/session/);
    expect(refusal('term-open', { ...term, cols: 1e9 })).toMatch(/cols/);
    expect(refusal('term-open', { ...term, command: [] })).toMatch(/command/);
    expect(refusal('term-open', { ...term, command: ['x'.repeat(5000)] })).toMatch(/command/);
    // Why strict: a key the schema does not know (a path, a runner, a uid) is refused, not dropped.
    expect(refusal('term-open', { ...term, uid: 0 })).toMatch(/uid|unrecognized/i);
    expect(
      refusal('capture-start', {
        lab: 'lab1',
        linkId: 'l1',
        end: 'a',
        session: 'abcdef0123',
        path: '/etc/shadow',
      }),
    ).toMatch(/path|unrecognized/i);
    expect(refusal('ping', { lab: 'lab1', from: 'ns1', to: 'ns2', count: 1000 })).toMatch(/count/);
    expect(refusal('term-input', { session: 'abcdef0123', data: 'x'.repeat(64 * 1024 + 1) })).toMatch(/data/);
  });

  it('refuses operations that are not listed, inherited names included', () => {
    for (const op of ['exec', 'run', 'shell', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(refusal(op, {})).toMatch(/^unknown operation/);
    }
  });

  it('accepts only listed ops for any op name (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 32 }), (op) => {
        const p = parseHelperLine(line(op, {}));
        if (!Object.hasOwn(HELPER_OPS, op))
          expect('answer' in p && (p.answer as { error: string }).error).toMatch(/unknown operation/);
      }),
    );
  });

  it('gives every op a deadline, and runs every kernel-changing op in order', () => {
    for (const op of Object.keys(HELPER_OPS) as HelperOp[]) expect(OP_TIMEOUT_MS[op]).toBeGreaterThan(0);
    for (const op of ['apply', 'destroy', 'link-state', 'netem', 'adopt'] as HelperOp[])
      expect(SEQUENTIAL_OPS.has(op)).toBe(true);
  });
});

describe('helper live ops refuse what the lab does not own (no kernel)', () => {
  it('refuses a node not in the lab, a bridge as a shell, and a namespace that does not exist', async () => {
    const run = tempRunDir();
    const { run: runner, calls } = recordingRunner();
    try {
      const topology = {
        version: 1,
        name: 'lab1',
        nodes: [
          { id: 'ns1', name: 'nph-not-there', kind: 'namespace', routes: [] },
          { id: 'br0', name: 'nphbr', kind: 'bridge' },
        ],
        links: [],
        expect: [],
        annotations: [],
      };
      new LabStore(run.dir).writeRecord({
        lab: 'lab1',
        topology: topology as never,
        appliedAt: '',
        namespaces: {},
      });
      const ask = async (op: string, args: unknown) =>
        (await handleHelperLine(line(op, args), undefined as never, () => {}, {
          runner,
          runDir: run.dir,
        })) as { error?: string };
      expect((await ask('term-open', { ...term, nodeId: 'ghost' })).error).toMatch(/no node "ghost"/);
      expect((await ask('term-open', { ...term, nodeId: 'br0' })).error).toMatch(/not a namespace or router/);
      expect((await ask('term-open', term)).error).toMatch(/not owned by lab "lab1"/);
      expect((await ask('ping', { lab: 'lab1', from: 'ns1', to: '10.0.0.2' })).error).toMatch(
        /not owned by lab "lab1"/,
      );
      expect((await ask('tables', { lab: 'other', nodeId: 'ns1' })).error).toMatch(/not applied/);
      // "Check my work": the same ownership rules, the document and prefix validated again, nothing applied.
      const activity = { version: 1, checks: [{ id: 'r', kind: 'reach', from: 'ns1', to: '10.0.0.2' }] };
      const owned = (await ask('activity-check', { topology: { ...topology, activity } })) as {
        result?: { score: number; checks: { status: string; detail: string }[] };
      };
      expect(owned.result?.score).toBe(0);
      expect(owned.result?.checks[0]).toMatchObject({
        status: 'error',
        detail: expect.stringMatching(/not owned by lab "lab1"/),
      });
      expect(
        (await ask('activity-check', { topology: { ...topology, name: 'other', activity } })).error,
      ).toMatch(/not applied/);
      expect((await ask('activity-check', { topology })).error).toMatch(/not an activity/);
      expect(
        (await ask('activity-check', { topology: { ...topology, activity }, prefix: 'BAD/..' })).error,
      ).toMatch(/prefix/);
      expect(refusal('activity-check', { topology: { ...topology, activity }, runDir: '/tmp' })).toMatch(
        /runDir|unrecognized/i,
      );
      // Nothing ran: every refusal came before a process.
      expect(calls.filter((c) => c.argv.includes('exec') || c.argv.includes('ping'))).toEqual([]);
    } finally {
      run.remove();
    }
  });
});

describe('helper: terminal input is never refused as busy', () => {
  it('answers 200 term-input lines that arrive in one chunk in order, none "busy", while the cap still holds for reads', async () => {
    const run = tempRunDir();
    const { run: runner } = recordingRunner();
    try {
      const input = new PassThrough();
      const answers: { id: number; error?: string }[] = [];
      const done = serveHelper(input, (l) => void answers.push(JSON.parse(l)), undefined as never, {
        runner,
        runDir: run.dir,
      });
      const keys = Array.from({ length: 200 }, (_, i) =>
        line('term-input', { session: 'abcdef0123456789', data: 'x' }, i + 1),
      );
      const reads = Array.from({ length: 40 }, (_, i) =>
        line('tables', { lab: 'nolab', nodeId: 'a' }, 1000 + i),
      );
      // One chunk: the splitter hands every line over before any answer is written (fast typing, a paste).
      input.write([...keys, ...reads].join('\n') + '\n');
      input.end();
      await done;
      const typed = answers.filter((a) => a.id <= 200);
      expect(typed.map((a) => a.id)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      for (const a of typed) expect(a.error).toBe('there is no open terminal "abcdef0123456789"');
      expect(answers.filter((a) => a.id >= 1000 && /busy/.test(a.error ?? '')).length).toBeGreaterThan(0);
    } finally {
      run.remove();
    }
  });
});
