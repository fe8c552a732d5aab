/**
 * The `adopt` hooks decide which node kind a live namespace becomes when a
 * lab is imported from the host. They must agree with the rule import-host
 * used before the hooks existed (IPv4 forwarding on: a router, with its IPv6
 * forwarding as a field; the forwarding sysctls then belong to the kind), on
 * any sysctls and on the namespaces of random valid labs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SYSCTL_ALLOWLIST } from '../model/common';
import { arbValidTopology } from '../model/arbitraries';
import type { KNamespace } from '../model/kstate';
import { isNetnsNode } from '../model';
import { resolve } from '../plan/resolve';
import { adoptNamespace, nodeKindList, NODE_KINDS_REGISTRY } from '.';

const V4 = 'net.ipv4.ip_forward';
const V6 = 'net.ipv6.conf.all.forwarding';

/** The choice from-kstate made before the hooks, written out. */
function oldChoice(ns: KNamespace) {
  const router = ns.sysctls[V4] === '1';
  return router
    ? { kind: 'router', fields: { ipv6Forwarding: ns.sysctls[V6] === '1' }, implied: [V4, V6] }
    : { kind: 'namespace', fields: {}, implied: [] };
}

const choice = (ns: KNamespace) => {
  const { kind, fields, implied } = adoptNamespace(ns);
  return { kind, fields, implied: [...implied].sort() };
};

const value = fc.constantFrom(undefined, '0', '1', '2', '');
const arbSysctls = fc
  .record({ v4: value, v6: value, other: fc.subarray([...SYSCTL_ALLOWLIST]) })
  .map(({ v4, v6, other }) => {
    const s: Record<string, string> = Object.fromEntries(other.map((k) => [k, '1']));
    for (const [k, v] of [
      [V4, v4],
      [V6, v6],
    ] as const)
      if (v === undefined) delete s[k];
      else s[k] = v;
    return s;
  });

const nsWith = (sysctls: Record<string, string>): KNamespace => ({
  name: 'x',
  sysctls,
  ifaces: {},
  routes: [],
});

describe('adopt hooks', () => {
  it('only namespace kinds have one, and the plain namespace claims every namespace', () => {
    const withHook = nodeKindList.filter((k) => NODE_KINDS_REGISTRY[k].adopt);
    expect(withHook.every((k) => NODE_KINDS_REGISTRY[k].netns)).toBe(true);
    expect(withHook).toContain('namespace');
    expect(adoptNamespace(nsWith({})).kind).toBe('namespace');
    expect(adoptNamespace(nsWith({ [V4]: '1', [V6]: '1' }))).toMatchObject({
      kind: 'router',
      fields: { ipv6Forwarding: true },
    });
  });

  it('agree with the old import choice on any forwarding sysctls', () => {
    fc.assert(
      fc.property(arbSysctls, (s) => {
        const ns = nsWith(s);
        expect(choice(ns)).toEqual(oldChoice(ns));
      }),
      { numRuns: 500 },
    );
  });

  it('agree with the old choice on the namespaces of random valid labs, and give a router back as a router', () => {
    fc.assert(
      fc.property(arbValidTopology({ maxNodes: 8 }), (t) => {
        const { state } = resolve(t);
        for (const node of t.nodes.filter(isNetnsNode)) {
          const ns = state.namespaces[node.name];
          expect(choice(ns)).toEqual(oldChoice(ns));
          if (node.kind === 'router')
            expect(adoptNamespace(ns)).toMatchObject({
              kind: 'router',
              fields: { ipv6Forwarding: !!node.ipv6Forwarding },
            });
        }
      }),
      { numRuns: 200 },
    );
  });
});
