/**
 * resolveSealed (lab-scope.ts): a sealed topology (validateDocument's
 * remembered result) is resolved once; anything else each time.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from '../../shared/plan';
import { validateDocument } from '../../shared/validate';
import { resolveSealed } from './lab-scope';

const doc = () => ({
  version: 1,
  name: 'rs',
  nodes: [
    { id: 'a', name: 'rsa', kind: 'namespace' },
    { id: 'br', name: 'rsbr', kind: 'bridge' },
  ],
  links: [
    {
      id: 'l',
      a: { node: 'a', ifname: 'eth0', addresses: ['10.2.0.1/24'] },
      b: { node: 'br', ifname: 'rsp' },
    },
  ],
});

describe('resolveSealed', () => {
  it('resolves the same sealed topology once, to what resolve makes, frozen', () => {
    const t = validateDocument(doc(), { remember: true }).topology!;
    expect(Object.isFrozen(t)).toBe(true);
    // The same content validated again is the same sealed object, so the same resolution.
    const again = validateDocument(doc(), { remember: true }).topology!;
    expect(again).toBe(t);
    const r = resolveSealed(t);
    expect(resolveSealed(again)).toBe(r);
    expect(r.state).toEqual(resolve(t).state);
    expect(r.links).toEqual(resolve(t).links);
    // The tests freeze what is kept (NETPLUMB_FREEZE_READS, vitest.config.ts): a caller that changed it would throw.
    expect(Object.isFrozen(r.state.namespaces.rsa.ifaces.eth0)).toBe(true);
  });

  it('resolves a topology that is not sealed each time (it may have changed between calls)', () => {
    const t = validateDocument(doc()).topology!;
    expect(Object.isFrozen(t)).toBe(false);
    const r1 = resolveSealed(t);
    (t.nodes[0] as { name: string }).name = 'rsz';
    const r2 = resolveSealed(t);
    expect(r2).not.toBe(r1);
    expect(Object.keys(r2.state.namespaces)).toContain('rsz');
  });
});
