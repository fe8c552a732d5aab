/**
 * loadJsonTopologyText reads a JSON file without the YAML parser unless a
 * problem needs a position: its result must be loadTopologyText's, for any
 * text — valid labs, broken ones, and texts that are not JSON at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMutatedDocument } from '../model/arbitraries-mutate';
import { arbValidDocument } from '../model/arbitraries-valid';
import { loadTopologyText, locatorFor } from './document';
import { loadJsonTopologyText } from './text-load';

const INSERTS = ['', ',', '}', '"', ' ', '\n', '[', ':'];

describe('loadJsonTopologyText', () => {
  it('gives loadTopologyText’s result for any JSON text, asking for the locator only when a problem needs it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbValidDocument({ netem: true }), arbMutatedDocument()),
        fc.boolean(),
        fc.nat(),
        fc.constantFrom(...INSERTS),
        async (doc, pretty, at, ins) => {
          const text = JSON.stringify(doc, null, pretty ? 2 : undefined) ?? 'null';
          const p = at % (text.length + 1);
          for (const t of [text, text.slice(0, p) + ins + text.slice(p)]) {
            let asked = false;
            const r = await loadJsonTopologyText(t, async () => ((asked = true), locatorFor));
            const full = loadTopologyText(t, 'lab.json');
            expect(r).toEqual(full);
            // Without a problem that lacked a place, the YAML parser was never needed.
            if (!asked) expect(full.problems.every((x) => x.line !== undefined)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('places a validation problem by the YAML parser, loaded on demand', async () => {
    const text =
      '{\n  "version": 1,\n  "name": "lab",\n  "nodes": [\n    { "id": "a", "name": "a", "kind": "namespace" },\n    { "id": "a", "name": "b", "kind": "namespace" }\n  ],\n  "links": []\n}\n';
    let asked = 0;
    const r = await loadJsonTopologyText(text, async () => (asked++, locatorFor));
    expect(asked).toBe(1);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems.every((p) => p.line !== undefined)).toBe(true);
    expect(r).toEqual(loadTopologyText(text, 'lab.json'));
  });
});
