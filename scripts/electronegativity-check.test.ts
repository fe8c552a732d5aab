import { describe, expect, it } from 'vitest';
import { AcceptedFile, compare, readSarif } from './electronegativity-check';

const sarif = JSON.stringify({
  runs: [
    {
      results: [
        {
          ruleId: 'PRELOAD_JS_CHECK',
          message: { text: 'Review the use of preload scripts' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'electron/main/window.ts' },
                region: { startLine: 22 },
              },
            },
          ],
        },
        {
          ruleId: 'NODE_INTEGRATION_JS_CHECK',
          message: { text: 'Disable nodeIntegration' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'electron/main/other.ts' },
                region: { startLine: 3 },
              },
            },
          ],
        },
      ],
    },
  ],
});

describe('electronegativity-check', () => {
  it('reads SARIF findings and fails only on the ones not accepted', () => {
    const findings = readSarif(sarif);
    expect(findings).toHaveLength(2);
    const r = compare(findings, [
      {
        check: 'PRELOAD_JS_CHECK',
        file: 'electron/main/window.ts',
        reason: 'only contract wrappers are exposed',
      },
      { check: 'CSP_GLOBAL_CHECK', file: 'gone.html', reason: 'a finding that no longer occurs' },
    ]);
    expect(r.accepted.map((f) => f.check)).toEqual(['PRELOAD_JS_CHECK']);
    expect(r.fresh.map((f) => `${f.check}@${f.file}:${f.line}`)).toEqual([
      'NODE_INTEGRATION_JS_CHECK@electron/main/other.ts:3',
    ]);
    expect(r.stale.map((s) => s.file)).toEqual(['gone.html']);
  });

  it('a finding accepted for one file is not accepted in another', () => {
    const r = compare(readSarif(sarif), [
      {
        check: 'NODE_INTEGRATION_JS_CHECK',
        file: 'electron/main/window.ts',
        reason: 'accepted somewhere else only',
      },
    ]);
    expect(r.fresh).toHaveLength(2);
  });

  it('every acceptance needs a written reason', () => {
    expect(AcceptedFile.safeParse({ accepted: [{ check: 'X', file: 'y', reason: 'ok' }] }).success).toBe(
      false,
    );
  });
});
