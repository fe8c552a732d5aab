/**
 * One lab-name rule: the validator, the IPC contract (every channel that takes
 * a lab), the privileged helper's arguments, the file format's JSON Schema,
 * the lab store and the importers' sanitiser agree on every string.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sanitizeLabName } from '../../shared/formats/import-names';
import { contract } from '../../shared/ipc/contract';
import { isLabName, LAB_NAME_MAX, LAB_NAME_PATTERN } from '../../shared/model/lab-name';
import { checkLabName } from '../../shared/validate/names';
import { HELPER_OPS } from './helper-protocol';
import { LabStore } from './lab-store';

const runDir = mkdtempSync(path.join(tmpdir(), 'np-labname-'));
afterAll(() => rmSync(runDir, { recursive: true, force: true }));
const store = new LabStore(runDir);

/** Strings near the rule's edges: its alphabet plus a few refused characters, around the length limit. */
const nameish = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abz09._-'.split('')), minLength: 0, maxLength: LAB_NAME_MAX + 2 }),
  fc.string({ unit: fc.constantFrom(...'aZ0.-_/: é\\'.split('')), maxLength: 12 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'a..b',
    '..',
    '.',
    'a.',
    'a-',
    '-a',
    '.a',
    '_a',
    'a'.repeat(LAB_NAME_MAX),
    'a'.repeat(LAB_NAME_MAX + 1),
  ),
);

const accepts: Record<string, (n: string) => boolean> = {
  validator: (n) => checkLabName(n) === null,
  'lab:destroy': (n) => contract['lab:destroy'].request.safeParse({ lab: n }).success,
  'lab:tables': (n) => contract['lab:tables'].request.safeParse({ lab: n, nodeId: 'n1' }).success,
  'host:import': (n) => contract['host:import'].request.safeParse({ lab: n }).success,
  'helper destroy': (n) => HELPER_OPS.destroy.safeParse({ lab: n }).success,
  'JSON Schema': (n) => new RegExp(LAB_NAME_PATTERN).test(n) && n.length <= LAB_NAME_MAX,
  'lab store': (n) => {
    try {
      store.dir(n);
      return true;
    } catch {
      return false;
    }
  },
};

const verdicts = (n: string) => Object.entries(accepts).map(([who, ok]) => [who, ok(n)]);

describe('the lab-name rule', () => {
  it('is the same in the validator, the IPC contract, the helper, the JSON Schema and the lab store', () => {
    fc.assert(
      fc.property(nameish, (n) => {
        const want = isLabName(n);
        expect(verdicts(n)).toEqual(Object.keys(accepts).map((who) => [who, want]));
      }),
      { numRuns: 3000 },
    );
  });

  it.each(['a..b', 'x'.repeat(LAB_NAME_MAX + 1), 'Lab', '-a'])('refuses %j everywhere', (n) => {
    expect(verdicts(n)).toEqual(Object.keys(accepts).map((who) => [who, false]));
  });

  it.each(['lab1', 'a.b', 'my-lab_2.v1', 'x'.repeat(LAB_NAME_MAX)])('accepts %j everywhere', (n) => {
    expect(verdicts(n)).toEqual(Object.keys(accepts).map((who) => [who, true]));
  });

  it('is what the importers produce from any name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        expect(checkLabName(sanitizeLabName(s))).toBeNull();
      }),
    );
  });
});
