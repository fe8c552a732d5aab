import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, gradesCsv, parseCsv, readGradesCsv } from './report-csv';
import { escapeHtml, reportHtml } from './report-html';
import type { StudentReport } from './score';
import { routerActivity } from './test-fixtures';

const report = (x: Partial<StudentReport> = {}): StudentReport => ({
  student: 'alice',
  file: 'alice.yaml',
  activity: 'act-router',
  status: 'graded',
  score: 2,
  max: 3,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:05.000Z',
  checks: [
    {
      id: 'reach-h1-h2',
      kind: 'reach',
      title: 'h1 reaches h2',
      points: 2,
      earned: 2,
      status: 'pass',
      detail: '2/2 replies',
      hidden: false,
      breakIt: false,
      graded: true,
      at: '2026-12-01T10:00:03.000Z',
    },
    {
      id: 'gw-h2',
      kind: 'route',
      title: 'h2 has a route to default',
      points: 1,
      earned: 0,
      status: 'fail',
      detail: 'no route',
      hidden: true,
      breakIt: false,
      graded: true,
      hint: 'set the gateway',
    },
  ],
  ...x,
});

describe('grades CSV', () => {
  it('one row per student, a column per check, read back exactly', () => {
    const text = gradesCsv(
      [
        report(),
        report({
          student: 'bob, "the builder"',
          status: 'refused',
          reason: 'changes locked parts: node "r1"\nline two',
          score: 0,
          checks: [],
        }),
      ],
      ['reach-h1-h2', 'gw-h2'],
    );
    expect(text.split('\r\n')[0]).toBe('student,score,max,status,reason,lab,reach-h1-h2,gw-h2');
    expect(readGradesCsv(text)).toEqual([
      {
        student: 'alice',
        score: '2',
        max: '3',
        status: 'graded',
        reason: '',
        lab: '',
        'reach-h1-h2': 'pass',
        'gw-h2': 'fail',
      },
      {
        student: 'bob, "the builder"',
        score: '0',
        max: '3',
        status: 'refused',
        reason: 'changes locked parts: node "r1"\nline two',
        lab: '',
        'reach-h1-h2': 'not run',
        'gw-h2': 'not run',
      },
    ]);
  });
  it('cells a spreadsheet would run as formulas are defused', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
  });
  it('property: any table of strings survives writing and reading', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', 'x') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const safe = rows.map((r) => r.map((c) => c.replace(/^[=+\-@\t\r]+/, '')));
          const text = safe.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
          expect(parseCsv(text)).toEqual(safe);
        },
      ),
    );
  });
});

describe('HTML report', () => {
  it('is one self-contained page: picture, score, each check with result, hint and time', () => {
    const html = reportHtml(report({ topology: routerActivity() }));
    expect(html).toContain('<svg');
    expect(html).toContain('<p class="score">2 / 3</p>');
    expect(html).toContain('h1 reaches h2');
    expect(html).toContain('Hint: set the gateway');
    expect(html).toContain('2026-12-01T10:00:03.000Z');
    expect(html).toContain('hidden');
    expect(html).not.toMatch(/<script|<link|src=/);
  });
  it('escapes everything that comes from the student', () => {
    const html = reportHtml(
      report({
        student: '<script>alert(1)</script>',
        file: '"><img src=x>',
        reason: '<b>x</b>',
        status: 'refused',
      }),
    );
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
