import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMayChange, callerOf, mayChange, userName } from './lab-owner';

describe('lab ownership rule', () => {
  it('root, the owner, and anyone on an ownerless or missing record may change; nobody else', () => {
    fc.assert(
      fc.property(fc.nat(70_000), fc.option(fc.nat(70_000), { nil: undefined }), (caller, owner) => {
        const expected = caller === 0 || owner === undefined || owner === caller;
        expect(mayChange(owner === undefined ? {} : { owner }, caller)).toBe(expected);
        expect(mayChange(null, caller)).toBe(true);
      }),
    );
  });

  it('the refusal names the lab, the owner, the action, and says nothing changed', () => {
    expect(() => assertMayChange('lab1', { owner: 3_999_999_999 }, 1000, 'destroy')).toThrow(
      'the lab "lab1" belongs to uid 3999999999: only that user or root may destroy it. Nothing was changed.',
    );
    expect(() => assertMayChange('lab1', { owner: 0 }, 1000, 'apply')).toThrow(/belongs to root/);
    expect(() => assertMayChange('lab1', { owner: 1000 }, 1000, 'apply')).not.toThrow();
  });

  it('the caller is the one given, else the elevation tool, else this process', () => {
    expect(callerOf({ caller: 42 })).toBe(42);
    const saved = process.env.SUDO_UID;
    try {
      process.env.SUDO_UID = '1234';
      expect(callerOf({})).toBe(1234);
      process.env.SUDO_UID = 'x';
      expect(() => callerOf({})).toThrow(/SUDO_UID is not a number/);
    } finally {
      if (saved === undefined) delete process.env.SUDO_UID;
      else process.env.SUDO_UID = saved;
    }
  });

  it('names come from the user database file', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'np-pw-')), 'passwd');
    writeFileSync(f, 'root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/bash\n');
    expect(userName(1001, f)).toBe('alice');
    expect(userName(1002, f)).toBeUndefined();
    expect(userName(1001, '/nonexistent/passwd')).toBeUndefined();
  });
});
