/**
 * Schema problems in plain words: a field that is there with the wrong type
 * says what it holds; only an absent field is "missing".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTopology } from './parse';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test document patched at will
type Doc = Record<string, any>;
const doc = (patch: (d: Doc) => void) => {
  const d: Doc = {
    version: 1,
    name: 'p',
    nodes: [
      { id: 'a', name: 'a', kind: 'namespace' },
      { id: 'b', name: 'b', kind: 'bridge' },
    ],
    links: [{ id: 'l1', a: { node: 'a', ifname: 'e1' }, b: { node: 'b', ifname: 'p1' } }],
  };
  patch(d);
  return d;
};
const messages = (input: unknown) => {
  const r = parseTopology(input);
  return r.ok ? [] : r.problems.map((p) => p.message);
};

describe('schema messages', () => {
  it('names what a wrongly typed field holds', () => {
    expect(messages(doc((d) => (d.links[0].a.mtu = 'big')))).toEqual([
      '"links.0.a.mtu" should be a number; here it is the text "big"',
    ]);
    expect(messages(doc((d) => (d.links[0].a.mtu = 1400.5)))).toEqual([
      '"links.0.a.mtu" should be a whole number; here it is the number 1400.5',
    ]);
    expect(messages(doc((d) => (d.nodes[1].stp = 'yes')))).toEqual([
      '"nodes.1.stp" should be true or false; here it is the text "yes"',
    ]);
    expect(messages(doc((d) => (d.nodes = 'a')))).toEqual([
      '"nodes" should be a list; here it is the text "a"',
    ]);
  });

  it('says "missing" only for a field that is absent', () => {
    expect(messages(doc((d) => delete d.links[0].a.ifname))).toEqual([
      '"links.0.a.ifname" is missing (expected text)',
    ]);
  });

  it('for any wrong-typed value of a boolean field, the message names that value, never "missing"', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.double({ noNaN: true }),
          fc.constant(null),
          fc.array(fc.nat()),
        ),
        (v) => {
          const m = messages(doc((d) => (d.nodes[1].stp = v)));
          expect(m).toHaveLength(1);
          expect(m[0]).toMatch(/^"nodes\.1\.stp" should be true or false; here it is /);
        },
      ),
    );
  });
});
