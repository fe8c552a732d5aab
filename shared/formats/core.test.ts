import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromCore } from './core';
import { parseXml } from './xml';

/** A CORE 9 style scenario written for these tests: two PCs on a switch, a router, a docker node, a wireless LAN. */
const SCENARIO = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '__golden__', 'core', 'office.xml'),
  'utf8',
);

describe('CORE import', () => {
  it('maps devices, switches and links with addresses, MACs and link options', () => {
    const r = fromCore(SCENARIO);
    const t = r.topology!;
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    // named after the file and its folder, never after CORE's temporary session directory
    expect(t.name).toBe('scenario');
    expect(fromCore(SCENARIO, '/home/u/core/tutorial1/scenario.xml').topology!.name).toBe(
      'tutorial1-scenario',
    );
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual([
      'namespace:n1',
      'namespace:n2',
      'router:r4',
      'namespace:d5',
      'bridge:sw1',
    ]);
    expect(t.nodes[4].position).toEqual({ x: 300, y: 200 });
    expect(t.links.map((l) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`)).toEqual([
      'n1:eth0-sw1:sw1-p0',
      'n2:eth0-sw1:sw1-p1',
      'r4:eth0-sw1:sw1-p2',
      'r4:eth1-d5:eth0',
    ]);
    expect(t.links[0].a).toMatchObject({
      addresses: ['10.0.0.20/24', '2001::14/64'],
      mac: '00:00:00:aa:00:01',
    });
    expect(t.links[1].a.netem).toEqual({ delayMs: 5, lossPercent: 1.5, rateKbit: 10000 });
    expect(t.links[3].b.addresses).toEqual(['10.0.1.2/24']);
  });

  it('names what it drops, at the element', () => {
    const r = fromCore(SCENARIO);
    const lineOf = (s: string) => SCENARIO.split('\n').findIndex((l) => l.includes(s)) + 1;
    const find = (s: string) => r.problems.find((p) => p.message.includes(s));
    expect(find('WIRELESS_LAN')).toMatchObject({ severity: 'warning', line: lineOf('wlan9') });
    expect(find('zebra')).toBeDefined();
    expect(find('docker')).toMatchObject({ line: lineOf('name="d5"') });
    expect(find('2–9')).toMatchObject({ line: lineOf('node2="9"') });
    expect(find('session_hooks')).toBeDefined();
    // DefaultRoute is computed as CORE computes it, so it is no loss
    expect(find('DefaultRoute')).toBeUndefined();
    expect(r.topology!.nodes.find((n) => n.name === 'n1')).toMatchObject({
      gateway: { ipv4: '10.0.0.1', ipv6: '2001::1' },
    });
  });

  it('reports XML errors and non-scenarios with a position', () => {
    const bad = '<scenario><devices></scenario>';
    // at the name in the closing tag that does not match
    expect(fromCore(bad).problems[0]).toMatchObject({
      code: 'xml-syntax',
      line: 1,
      column: bad.indexOf('</scenario>') + 3,
    });
    expect(fromCore('\n<svg/>').problems[0]).toMatchObject({ severity: 'error', line: 2 });
  });

  it('never throws; every problem is located (random and mutated input)', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.nat(30), (noise, at, del) => {
        const cut = at % (SCENARIO.length + 1);
        for (const text of [noise, SCENARIO.slice(0, cut) + noise + SCENARIO.slice(cut + del)]) {
          const r = fromCore(text);
          if (!r.topology) expect(r.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('parseXml', () => {
  it('reads elements, attributes, entities, CDATA and positions', () => {
    const line3 = '<a k="1 &amp; 2" j=\'&#65;\'>t&lt;<b/><![CDATA[<raw>]]><!-- c --><c>x</c></a>';
    const r = parseXml(`<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "boom">]>\n${line3}\n`);
    if (!('root' in r)) throw new Error(r.error.message);
    expect(r.root).toMatchObject({
      name: 'a',
      attrs: { k: '1 & 2', j: 'A' },
      text: 't<<raw>',
      line: 3,
      column: 1,
    });
    expect(r.root.children.map((c) => [c.name, c.line, c.column])).toEqual([
      ['b', 3, line3.indexOf('<b/>') + 1],
      ['c', 3, line3.indexOf('<c>') + 1],
    ]);
  });

  it.each([
    ['<a>', 'not closed'],
    ['<a></b>', 'closes'],
    ['<a x=1/>', 'quoted'],
    ['<a x="1" x="2"/>', 'duplicate'],
    ['<a>&foo;</a>', 'unknown entity'],
    // Names an object has by inheritance are no entities either.
    ['<a>&toString;</a>', 'unknown entity &toString;'],
    ['<a b="&constructor;"/>', 'unknown entity &constructor;'],
    ['<a>&__proto__;</a>', 'unknown entity &__proto__;'],
    ['<a>&hasOwnProperty;</a>', 'unknown entity &hasOwnProperty;'],
    ['<a/><b/>', 'after the document'],
    ['', 'empty'],
  ])('rejects %j', (text, msg) => {
    const r = parseXml(text);
    expect('error' in r && r.error.message).toContain(msg);
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            '<',
            '>',
            '/',
            '"',
            "'",
            '=',
            'a',
            ' ',
            '&',
            ';',
            '!',
            '-',
            '[',
            ']',
            '?',
            '\n',
          ),
        }),
        (s) => {
          const r = parseXml(s);
          if ('error' in r) expect(r.error.line).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
