import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertMayChange, callerOf, mayChange, ownerOf, userName } from './lab-owner';

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

  it('rights: the caller given, else this process (sudo makes root); a new lab goes to the caller given, else the user behind sudo', () => {
    expect(callerOf({ caller: 42 })).toBe(42);
    expect(ownerOf({ caller: 42 })).toBe(42);
    const saved = process.env.SUDO_UID;
    try {
      process.env.SUDO_UID = '1234';
      expect(callerOf({})).toBe(process.getuid!());
      expect(ownerOf({})).toBe(process.getuid!() === 0 ? 1234 : process.getuid!());
      process.env.SUDO_UID = 'x';
      if (process.getuid!() === 0) expect(() => ownerOf({})).toThrow(/SUDO_UID is not a number/);
    } finally {
      if (saved === undefined) delete process.env.SUDO_UID;
      else process.env.SUDO_UID = saved;
    }
  });

  it('names come from the user database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'np-pw-'));
    try {
      const f = join(dir, 'passwd');
      writeFileSync(f, 'root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/bash\n');
      expect(userName(1001, f)).toBe('alice');
      expect(userName(1002, f)).toBeUndefined();
      expect(userName(1001, '/nonexistent/passwd')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
