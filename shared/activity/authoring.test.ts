import { describe, expect, it } from 'vitest';
import { parseTopology } from '../model';
import { addCheck, emptyKey, handInReport, newActivityFromLab, removeCheck } from './authoring';
import { reachCheck, validateActivity } from './checks';
import { reportHtml } from './report-html';

const lab = () => {
  const r = parseTopology({
    version: 1,
    name: 'lab',
    nodes: [
      { name: 'a', kind: 'namespace' },
      { name: 'b', kind: 'namespace' },
    ],
  });
  if (!r.ok) throw new Error('fixture');
  return r.topology;
};

describe('authoring', () => {
  it('a drawing becomes an activity with an empty key; checks go visible or hidden, ids unique across both', () => {
    const t = newActivityFromLab(lab());
    const key = emptyKey(t);
    expect(validateActivity(t, key)).toEqual([]);
    const s1 = addCheck(t, key, reachCheck('a', 'b'), false);
    const s2 = addCheck(s1.topology, s1.key, reachCheck('b', 'a'), true);
    expect(s2.topology.activity!.checks.map((c) => c.id)).toEqual(['reach-a-b']);
    expect(s2.key.checks.map((c) => c.id)).toEqual(['reach-b-a']);
    expect(() => addCheck(s2.topology, s2.key, reachCheck('a', 'b'), true)).toThrow(
      'a check with id "reach-a-b" exists already',
    );
    const s3 = removeCheck(s2.topology, s2.key, 'reach-b-a');
    expect(s3.key.checks).toEqual([]);
    expect(validateActivity(s3.topology, s3.key)).toEqual([]);
  });
  it('hand-in builds the report from the last check, renderable as HTML', () => {
    const t = newActivityFromLab(lab());
    const r = handInReport({
      student: 'ana',
      file: 'ana.yaml',
      topology: t,
      lab: 'lab',
      checks: [],
      score: 0,
      max: 0,
      startedAt: '2026-01-01T00:00:00.000Z',
      now: new Date('2026-01-01T00:10:00.000Z'),
    });
    expect([r.activity, r.status, r.finishedAt]).toEqual(['lab', 'graded', '2026-01-01T00:10:00.000Z']);
    expect(reportHtml(r)).toContain('<svg');
  });
});
