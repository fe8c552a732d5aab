import { describe, expect, it } from 'vitest';
import { parseRecovery, upsertRecovery, type RecoveryEntry } from './autosave';

const entry = (session: string, savedAt: number): RecoveryEntry => ({
  session,
  text: `name: ${session}\n`,
  fileName: null,
  lab: session,
  nodes: 1,
  savedAt,
});

describe('autosave entries', () => {
  it('reads only well-formed, recent entries; anything else counts as nothing kept', () => {
    const now = 1_000_000_000_000;
    expect(parseRecovery(null, now)).toEqual([]);
    expect(parseRecovery('not json', now)).toEqual([]);
    expect(parseRecovery('[{"session": 3}]', now)).toEqual([]);
    const fresh = entry('a', now - 1000);
    const old = entry('b', now - 30 * 24 * 3600_000);
    expect(parseRecovery(JSON.stringify([fresh, old]), now)).toEqual([fresh]);
  });

  it("keeps one entry per page, newest first; a saved drawing removes its page's entry", () => {
    let list: RecoveryEntry[] = [];
    list = upsertRecovery(list, 'a', entry('a', 1));
    list = upsertRecovery(list, 'b', entry('b', 2));
    list = upsertRecovery(list, 'a', entry('a', 3));
    expect(list.map((e) => [e.session, e.savedAt])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    list = upsertRecovery(list, 'a', null);
    expect(list.map((e) => e.session)).toEqual(['b']);
    for (let i = 0; i < 20; i++) list = upsertRecovery(list, `s${i}`, entry(`s${i}`, 10 + i));
    expect(list.length).toBe(8);
    expect(list[0].session).toBe('s19');
  });
});
