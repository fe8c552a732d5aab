/** The grading run's pure parts and its orchestration with a stand-in engine (no kernel). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routerActivity, routerSolution } from '../../../shared/activity/test-fixtures';
import { checkPrefix } from '../../../shared/model';
import type { Engine } from '../engine-types';
import { tempRunDir } from '../test-support/lab-fixture';
import { assignPrefixes, gradeSubmissions, randomRunTag } from './grade';

describe('assignPrefixes', () => {
  it('property: one valid, unique prefix per submission; readable when names fit, short otherwise', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 40 }), (students) => {
        const tag = randomRunTag();
        const subs = students.map((student) => ({ student, file: `${student}.yaml`, doc: routerSolution() }));
        const a = assignPrefixes(subs, routerActivity(), tag);
        expect(new Set(a.map((x) => x.prefix)).size).toBe(subs.length);
        for (const x of a) {
          expect(checkPrefix(x.prefix)).toBeNull();
          expect(x.prefix.startsWith(tag)).toBe(true);
          expect(x.lab).toBe(x.prefix + 'act-router');
          expect(x.lab.length).toBeLessThanOrEqual(32);
        }
      }),
    );
  });
  it('uses the readable prefix when it fits and says when it did not', () => {
    const long = routerSolution();
    long.links[1] = {
      id: 'right',
      a: { node: 'r1', ifname: 'eth1-abcdef', addresses: ['10.2.0.1/24'] },
      b: { node: 'h2', ifname: 'eth0', addresses: ['10.2.0.2/24'] },
    };
    const a = assignPrefixes(
      [
        { student: 'Ana', file: 'a', doc: routerSolution() },
        { student: 'bo', file: 'b', doc: long },
      ],
      routerActivity(),
      'g1',
    );
    expect(a.map((x) => [x.prefix, x.short])).toEqual([
      ['g1-ana-', false],
      ['g11-', true],
    ]);
  });
});

describe('gradeSubmissions with a stand-in engine', () => {
  const engine = (log: string[], apply: Engine['applyDocument']): Engine =>
    ({
      applyDocument: apply,
      destroyLab: async (lab: string) => (log.push(`destroy ${lab}`), { removed: [] }),
    }) as unknown as Engine;

  it('refused submissions never reach the engine; a host refusal from the engine scores 0; a lab is destroyed even when checking fails', async () => {
    const run = tempRunDir();
    try {
      const log: string[] = [];
      const applies: string[] = [];
      const e = engine(log, async (doc) => {
        const name = (doc as { name: string }).name;
        applies.push(name);
        if (name.includes('-hostile-'))
          return {
            problems: [
              {
                code: 'host-address-taken',
                severity: 'error',
                message: 'contains 192.168.1.10, an address the host has',
                path: [],
              },
            ],
          };
        return {
          problems: [],
          result: { ok: true, lab: name, steps: 1, durationMs: 1, changes: [] },
        } as never;
      });
      const locked = routerSolution();
      locked.nodes[1] = { name: 'r1', kind: 'router', notes: 'mine now' };
      const subs = [
        { student: 'ok', file: 'ok.yaml', doc: routerSolution() },
        { student: 'locked', file: 'l.yaml', doc: locked },
        { student: 'unreadable', file: 'u.yaml', readError: 'not valid: u.yaml:1:1: bad' },
        { student: 'hostile', file: 'h.yaml', doc: routerSolution() },
      ];
      const r = await gradeSubmissions(routerActivity(), undefined, subs, {
        engine: e,
        runDir: run.dir,
        runTag: 'gt',
        jobs: 2,
      });
      expect(applies.sort()).toEqual(['gt-hostile-act-router', 'gt-ok-act-router']);
      expect(r.reports.map((x) => [x.student, x.status, x.score, x.max, x.reason])).toEqual([
        ['ok', 'error', 0, 3, expect.stringMatching(/^kernel error: lab "gt-ok-act-router" is not applied/)],
        ['locked', 'refused', 0, 3, 'changes locked parts: node "r1" is locked: its notes changed'],
        ['unreadable', 'refused', 0, 3, 'not valid: u.yaml:1:1: bad'],
        ['hostile', 'refused', 0, 3, 'touches the host: contains 192.168.1.10, an address the host has'],
      ]);
      // The stand-in wrote no lab record, so the checks could not run: the lab was still destroyed, and the run reports it.
      expect(log).toEqual(['destroy gt-ok-act-router']);
      expect(r.failures).toEqual([expect.stringMatching(/^ok: lab "gt-ok-act-router" is not applied/)]);
    } finally {
      run.remove();
    }
  });
});
