import { describe, expect, it } from 'vitest';
import { contract } from './contract';

describe('the contract on values too deep to serialise', () => {
  it('refuses a document nested 100,000 deep instead of throwing out of safeParse', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = contract['topology:validate'].request.safeParse({ topology: deep });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe('document larger than 8 MiB or nested too deeply');
  });
});
