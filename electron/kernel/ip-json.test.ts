import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  BATCH_SCHEMA_ID,
  IpJsonError,
  IpLinkList,
  IpNeighList,
  IpRuleList,
  IpRouteList,
  NetnsList,
  arrayElements,
  parseIpJson,
  splitJsonDocuments,
} from './ip-json';
import { ADDRESS_SHOW, NETNS_LIST_ID, ROUTES_ALL } from './test-support/iproute2-samples';

describe('the batch schemas (cached outputs checked once are used as JSON.parse gives them)', () => {
  const batch = [IpLinkList, IpRouteList, IpRuleList, IpNeighList, NetnsList];

  it('only check: no defaults or transforms, so what they accept comes back as it was given', () => {
    for (const s of batch)
      expect(z.toJSONSchema(s, { io: 'input' })).toEqual(z.toJSONSchema(s, { io: 'output' }));
    expect(parseIpJson(IpLinkList, ADDRESS_SHOW, 'sample')).toEqual(JSON.parse(ADDRESS_SHOW));
    expect(parseIpJson(IpRouteList, ROUTES_ALL, 'sample')).toEqual(JSON.parse(ROUTES_ALL));
    const bare = [{ ifindex: 7, ifname: 'x', extra: { a: 1 } }];
    expect(IpLinkList.parse(bare)).toEqual(bare);
  });

  it('are named by BATCH_SCHEMA_ID as they are now (change the name when they change)', () => {
    const now = createHash('sha256')
      .update(JSON.stringify(batch.map((s) => z.toJSONSchema(s, { io: 'input' }))))
      .digest('hex');
    // A checked cache entry is trusted while it carries the same name: new schemas need a new one.
    expect({ id: BATCH_SCHEMA_ID, schemas: now }).toEqual({
      id: 'ip-json batch 4',
      schemas: '4742b4cca2edd077d25bb04eb33c6673a7c5d952def446480eb81682922fedfa',
    });
  });
});

describe('parseIpJson', () => {
  it('accepts recorded output and keeps unknown fields out of the way', () => {
    const links = parseIpJson(IpLinkList, ADDRESS_SHOW, 'ip -j address show');
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'v1', 'p1', 'p2', 'br0']);
    expect(parseIpJson(IpRouteList, ROUTES_ALL, 'ip -j route show').length).toBeGreaterThan(10);
  });

  it('treats empty output as an empty list', () => {
    expect(parseIpJson(IpLinkList, '\n', 'x')).toEqual([]);
  });

  it('reports text that is not JSON, naming the command', () => {
    expect(() =>
      parseIpJson(IpLinkList, 'Object "adress" is unknown, try "ip help".', 'ip -j adress'),
    ).toThrow(IpJsonError);
    expect(() => parseIpJson(IpLinkList, '[{', 'ip -j address show')).toThrow(
      /ip -j address show printed output that is not JSON/,
    );
  });

  it('reports a mistyped field with its path instead of crashing later', () => {
    const bad = JSON.stringify([
      { ifindex: 1, ifname: 'lo' },
      { ifindex: 'two', ifname: 'v1' },
    ]);
    expect(() => parseIpJson(IpLinkList, bad, 'ip -j address show in namespace "a"')).toThrow(
      /ip -j address show in namespace "a" printed JSON of an unexpected shape at 1\.ifindex/,
    );
  });

  it('reports an old iproute2 shape (an object instead of a list)', () => {
    expect(() => parseIpJson(IpLinkList, '{"lo":{}}', 'ip -j address show')).toThrow(/unexpected shape/);
  });
});

describe('splitJsonDocuments', () => {
  it('splits the documents of an `ip -batch` run', () => {
    const text = `${ADDRESS_SHOW}\n${ROUTES_ALL}\n${NETNS_LIST_ID}\n`;
    const docs = splitJsonDocuments(text, 'ip -batch');
    expect(docs).toHaveLength(3);
    expect(docs[2]).toEqual([{ nsid: 0, name: 'ns2' }, { nsid: 1 }]);
  });

  it('does not depend on line breaks and ignores brackets inside strings', () => {
    const a = [{ ifalias: 'x]}[{"y\\\\' }];
    const text = `${JSON.stringify(a)}[]${JSON.stringify([{ n: '\n' }])}`;
    expect(splitJsonDocuments(text, 't')).toEqual([a, [], [{ n: '\n' }]]);
  });

  it('gives the same documents whether printed one per line, pretty or back to back (property)', () => {
    const doc = fc.oneof(
      fc.array(fc.jsonValue(), { maxLength: 4 }),
      fc.dictionary(fc.string(), fc.jsonValue()),
    );
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 5 }), (docs) => {
        const want = docs.map((d) => JSON.parse(JSON.stringify(d)) as unknown);
        for (const text of [
          docs.map((d) => JSON.stringify(d) + '\n').join(''),
          docs.map((d) => JSON.stringify(d, null, 2)).join('\n'),
          docs.map((d) => JSON.stringify(d)).join(''),
        ])
          expect(splitJsonDocuments(text, 't')).toEqual(want);
      }),
    );
  });

  it('rejects truncated output and stray text', () => {
    expect(() => splitJsonDocuments('[{"a":1}][{"b":', 't')).toThrow(/truncated/);
    expect(() => splitJsonDocuments('[] Error: boom', 't')).toThrow(/text outside JSON/);
    expect(() => splitJsonDocuments(']', 't')).toThrow(/unbalanced/);
    // Lines that each look whole still go through the scanner when one is not a document.
    expect(() => splitJsonDocuments('[]\n42\n', 't')).toThrow(/text outside JSON/);
    expect(() => splitJsonDocuments('[]\n[1,\n', 't')).toThrow(/truncated/);
  });
});

describe('arrayElements (a link table parsed element by element)', () => {
  // Values with every character that matters to the scanner: quotes, backslashes, brackets, commas in strings.
  const tricky = fc.oneof(
    fc.string(),
    fc.constantFrom('"', '\\', '\\"', '[', ']', '{', '}', ',', '},{', '"]', '\\\\"'),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      tricky,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(tricky, tie('v'), { maxKeys: 3 }),
    ),
  })).v;
  const objects = fc.array(fc.dictionary(tricky, value, { maxKeys: 4 }), { maxLength: 8 });

  it('gives each element of a compact array of objects as text that parses to that element (property)', () => {
    fc.assert(
      fc.property(objects, (arr) => {
        const els = arrayElements(JSON.stringify(arr));
        expect(els).toBeDefined();
        expect(els!.map((t) => JSON.parse(t))).toEqual(arr);
        // Together with the brackets and commas, the elements are the line itself.
        expect(`[${els!.join(',')}]`).toBe(JSON.stringify(arr));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what is not a plain array of objects (the line is then parsed whole)', () => {
    for (const bad of [
      '{"a":1}',
      '[1,2]',
      '[{"a":1},2]',
      '[{"a":1} ,{"b":2}]',
      '[,{"a":1}]',
      '[{"a":1},]',
      '[{"a":1}{"b":2}]',
      '[{"a":1}',
      '[{"a":1}]x',
      '[{"a":"]"}',
      '',
    ])
      expect(arrayElements(bad), bad).toBeUndefined();
    expect(arrayElements('[]')).toEqual([]);
  });

  it('never splits a real link table other than JSON.parse reads it', () => {
    const els = arrayElements(ADDRESS_SHOW)!;
    expect(els.map((t) => JSON.parse(t))).toEqual(JSON.parse(ADDRESS_SHOW));
  });
});
