/**
 * "The plan shows exactly what runs": for every document the validator
 * accepts, every batch line of every plan (create, change to another
 * document, destroy) reads back, with iproute2's own batch reader rules
 * (ported in testing/makeargs.ts), into exactly the argv the plan shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbRenamedDocument, type NameMode } from '../model/arbitraries-names';
import { arbMutatedDocument } from '../model/arbitraries';
import { validateDocument } from '../validate';
import { byteLength, describeChar, refusedChar } from '../validate/names';
import { linkLabel } from '../validate/context';
import type { Topology } from '../model';
import { batchText, fullArgv, type Tool } from './argv';
import type { Change } from './change';
import { plan, resolve, ROOT_NS, type KState } from './index';
import { simulate } from './simulate';
import { readBatch } from './testing/makeargs';

const host = (): KState => ({
  namespaces: {
    [ROOT_NS]: {
      name: ROOT_NS,
      sysctls: {},
      routes: [],
      ifaces: { eth0: { name: 'eth0', kind: 'other', up: true, addresses: ['192.0.2.10/24'] } },
    },
  },
});

/** Asserts every batch line and undo line of `changes` reads back as the argv shown. */
function assertExact(changes: readonly Change[]): number {
  let lines = 0;
  const sysctl = (argv?: string[]) => argv?.[1] === 'netns' && argv[2] === 'exec' && argv[4] === 'sysctl';
  for (const c of changes) {
    // For an accepted document every ip/bridge/tc command is a batch line: the
    // builder's fallback (run alone) is only for names read from the kernel.
    if (!c.batch) expect(sysctl(c.argv), c.argv.join(' ')).toBe(true);
    if (c.undo && !c.undoBatch) expect(sysctl(c.undo), c.undo.join(' ')).toBe(true);
    for (const [line, argv, ns] of [
      [c.batch, c.argv, c.ns],
      [c.undoBatch, c.undo, c.undoNs ?? c.ns],
    ] as const) {
      if (!line) continue;
      lines++;
      const read = readBatch(batchText([line]));
      expect(read.error).toBeUndefined();
      expect(read.commands.map((x) => x.argv)).toEqual([line]);
      expect(argv).toEqual(fullArgv(argv![0] as Tool, ns, line));
    }
  }
  // The executor writes a namespace's lines as one text: it must read back line by line too.
  const batched = changes.filter((c) => c.batch);
  const read = readBatch(batchText(batched.map((c) => c.batch!)));
  expect(read.commands.map((x) => x.argv)).toEqual(batched.map((c) => c.batch));
  expect(read.commands.map((x) => x.line)).toEqual(batched.map((_, i) => i + 1));
  return lines;
}

const accepted = (doc: unknown): Topology | undefined => {
  const r = validateDocument(doc);
  return r.topology && !r.problems.some((p) => p.severity === 'error') ? r.topology : undefined;
};

function checkPlans(a: Topology, b: Topology | undefined): number {
  const created = plan(resolve(a), host());
  expect(created.conflicts).toEqual([]);
  let n = assertExact(created.changes);
  const live = simulate(host(), created.changes);
  if (b && b.name === a.name) {
    const changed = plan(resolve(b), live);
    if (!changed.conflicts.length) n += assertExact(changed.changes);
  }
  const destroyed = plan(resolve({ ...a, nodes: [], links: [], expect: [] }), live);
  expect(destroyed.conflicts).toEqual([]);
  n += assertExact(destroyed.changes);
  return n;
}

const pair = (mode: NameMode) =>
  fc.tuple(arbRenamedDocument(mode, { maxNodes: 6 }), arbRenamedDocument(mode, { maxNodes: 6 }));

describe('batch lines read back exactly (iproute2 makeargs rules)', () => {
  it('tricky but valid names: accepted, and every line of every plan reads back as shown', () => {
    let docs = 0;
    let ok = 0;
    let lines = 0;
    fc.assert(
      fc.property(pair('tricky'), ([x, y]) => {
        docs++;
        const a = accepted(x);
        if (!a) return;
        ok++;
        const b = accepted({ ...y, name: a.name });
        lines += checkPlans(a, b);
      }),
      { numRuns: 200 },
    );
    // Tricky names are valid by construction; only rare id/name collisions may be refused.
    expect(ok / docs).toBeGreaterThan(0.8);
    expect(lines).toBeGreaterThan(1000);
  });

  it('hostile names: what the validator accepts reads back exactly; what it refuses is named on its node or link', () => {
    let ok = 0;
    fc.assert(
      fc.property(pair('hostile'), ([x, y]) => {
        const r = validateDocument(x);
        const a = accepted(x);
        if (a) {
          ok++;
          checkPlans(a, accepted({ ...y, name: a.name }));
          return;
        }
        if (!r.topology) return; // refused by the schema (e.g. an id with a quote): nothing is planned
        // Every kernel name with a refused character has an error on its node or
        // link end; unless the name is also too long (reported first), the message names the character.
        const errors = r.problems.filter((p) => p.severity === 'error');
        const names = (n: string, short: boolean, hit: (m: string) => boolean) => {
          const c = refusedChar(n);
          if (c === undefined) return;
          expect(
            errors.some(
              (p) => hit(p.message) && (!short || p.message.includes(`contains ${describeChar(c)}`)),
            ),
          ).toBe(true);
        };
        r.topology.nodes.forEach((n, i) => {
          if (n.kind === 'host') return;
          const short = n.kind === 'bridge' ? byteLength(n.name) <= 15 : n.name.length <= 64;
          names(n.name, short, () => true);
          if (refusedChar(n.name))
            expect(errors.some((p) => p.nodeId === n.id && p.path.join('.') === `nodes.${i}.name`)).toBe(
              true,
            );
        });
        const nameOf = (id: string) => r.topology!.nodes.find((n) => n.id === id)?.name;
        r.topology.links.forEach((l, li) => {
          for (const k of ['a', 'b'] as const) {
            names(l[k].ifname, byteLength(l[k].ifname) <= 15, (m) =>
              m.startsWith(`Link ${linkLabel(l, nameOf)}`),
            );
            if (refusedChar(l[k].ifname))
              expect(
                errors.some((p) => p.linkId === l.id && p.path.join('.') === `links.${li}.${k}.ifname`),
              ).toBe(true);
          }
        });
      }),
      { numRuns: 300 },
    );
    expect(ok).toBeGreaterThan(0);
  });

  it('randomly broken documents: whatever the validator accepts (any field, not only names) reads back exactly', () => {
    let ok = 0;
    fc.assert(
      fc.property(arbMutatedDocument(), (doc) => {
        const a = accepted(doc);
        if (!a) return;
        ok++;
        checkPlans(a, undefined);
      }),
      { numRuns: 400 },
    );
    expect(ok).toBeGreaterThan(0);
  });
});
