/**
 * validateDocument keeps its result for the topology it returns: the CLI
 * validates a file and the engine of the same process validates that
 * topology again. That is only sound when validating a validated topology
 * gives the same result, for any document; and a kept result must never
 * outlive a change to the topology.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMutatedDocument } from '../model/arbitraries-mutate';
import { arbValidDocument } from '../model/arbitraries-valid';
import { validateDocument } from './index';
import { baseInput } from './test-fixtures';

describe('validating a validated topology again', () => {
  it('gives the same problems and topology as the first time, for any document', () => {
    fc.assert(
      fc.property(fc.oneof(arbValidDocument({ netem: true }), arbMutatedDocument()), (doc) => {
        const first = validateDocument(doc);
        if (!first.topology) return;
        // A copy: the same data, not the kept object, so this is really validated again.
        const again = validateDocument(structuredClone(first.topology));
        expect(again).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the kept result for the same unchanged object, and fresh problem objects each time', () => {
    const doc = baseInput();
    doc.links[0].a.ifname = 'x'.repeat(20);
    const first = validateDocument(doc);
    const again = validateDocument(first.topology);
    expect(again.topology).toBe(first.topology);
    expect(again.problems).toEqual(first.problems);
    // The caller may add to its list (the engine does): the kept one must not change.
    again.problems.push({ code: 'x', severity: 'error', message: 'added', path: [] });
    expect(validateDocument(first.topology).problems).toEqual(first.problems);
  });

  it('validates a kept topology again once it was changed', () => {
    const first = validateDocument(baseInput());
    expect(first.problems).toEqual([]);
    const t = first.topology!;
    t.links[0].a.ifname = 'x'.repeat(20);
    const again = validateDocument(t);
    expect(again.problems.map((p) => p.code)).toEqual(['ifname-too-long']);
    expect(again.topology).not.toBe(t);
  });
});
