import { describe, expect, it } from 'vitest';
import { formatCountsMarker, formatSummary, lineSplitter, parseMarker, verdict } from './console';
import { jobScript, shQuote } from './job';

describe('console markers', () => {
  it('round-trips the counts marker and finds markers mid-line', () => {
    const c = { passed: 12, failed: 1, skipped: 3 };
    expect(parseMarker(formatCountsMarker(c))).toEqual({ counts: c });
    expect(parseMarker(`[   3.1] br0: port 1 entered ${formatCountsMarker(c)}`)).toEqual({ counts: c });
    expect(parseMarker('NETPLUMB-VM-EXIT=0')).toEqual({ exit: 0 });
    expect(parseMarker('\x1b[0mNETPLUMB-VM-EXIT=137')).toEqual({ exit: 137 });
    expect(parseMarker('netplumb-vm: booted')).toEqual({});
    expect(formatSummary(c)).toBe('kernel-vm: 12 passed, 1 failed, 3 skipped');
  });

  it('turns a missing marker, a timeout or a silent failure into a failure', () => {
    expect(verdict({ timedOut: false, exit: 0, counts: { passed: 3, failed: 0, skipped: 1 } })).toEqual({
      code: 0,
      counts: { passed: 3, failed: 0, skipped: 1 },
    });
    expect(verdict({ timedOut: false })).toMatchObject({ code: 125, counts: { failed: 1 } });
    expect(
      verdict({ timedOut: true, exit: undefined, counts: { passed: 2, failed: 0, skipped: 0 } }),
    ).toMatchObject({ code: 124, counts: { passed: 2, failed: 1 } });
    expect(verdict({ timedOut: false, exit: 1, counts: { passed: 2, failed: 2, skipped: 0 } })).toEqual({
      code: 1,
      counts: { passed: 2, failed: 2, skipped: 0 },
    });
    expect(verdict({ timedOut: false, exit: 1 })).toMatchObject({ code: 1, counts: { failed: 1 } });
    expect(verdict({ timedOut: false, exit: 0, expectCounts: true })).toMatchObject({
      code: 125,
      counts: { failed: 1 },
    });
    expect(verdict({ timedOut: false, exit: 0 })).toEqual({
      code: 0,
      counts: { passed: 0, failed: 0, skipped: 0 },
    });
  });

  it('splits serial output into lines across chunks', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('one\r\ntw');
    s.push('o\r\n\r\nthr');
    s.end();
    expect(lines).toEqual(['one', 'two', '', 'thr']);
  });
});

describe('job script', () => {
  it('quotes arguments for sh', () => {
    expect(shQuote('plain/path.ts')).toBe('plain/path.ts');
    expect(shQuote("it's a test")).toBe(`'it'\\''s a test'`);
    expect(shQuote('$(rm -rf /)')).toBe(`'$(rm -rf /)'`);
  });

  it('runs the command in the project, after making it writable', () => {
    const s = jobScript({ projectDir: '/work/main', command: ['node', 'x.mjs', '-t', 'a b'] });
    const lines = s.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    expect(s).toContain('export NETPLUMB_KERNEL_VM=1');
    expect(s).toMatch(/mount -t overlay .*lowerdir=\/work\/main,.* \/work\/main/);
    expect(lines.indexOf('cd /work/main || exit 125')).toBeLessThan(
      lines.indexOf("node x.mjs -t 'a b' > /tmp/.job-output 2>&1"),
    );
    expect(lines.at(-2)).toBe('exit $code');
    expect(() => jobScript({ projectDir: '/a,b', command: ['x'] })).toThrow(/plain/);
  });
});
