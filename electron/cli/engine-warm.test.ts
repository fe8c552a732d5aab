/**
 * The resident engine's warm-up (engine-warm.ts) runs the code of a real
 * command: its made-up lab loads, plans a change for every host from
 * nothing, and plans nothing once in sync (were the lab refused, the
 * warm-up would quietly warm nothing).
 */
import { describe, expect, it } from 'vitest';
import { warmRound, warmUp } from './engine-warm';

describe('engine warm-up', () => {
  it('loads its lab, plans it from nothing, and finds it in sync after', async () => {
    const r = await warmRound(8);
    expect(r).toBeDefined();
    expect(r!.fromNothing).toBeGreaterThan(8);
    expect(r!.inSync).toBe(0);
    await expect(warmUp(2)).resolves.toBeUndefined();
  });
});
