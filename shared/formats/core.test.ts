import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromCore } from './core';
import { parseXml } from './xml';

/** A CORE 9 style scenario written for this test: two PCs on a switch, a router, a wireless LAN. */
const SCENARIO = `<?xml version='1.0' encoding='UTF-8'?>
<!-- written for netplumb's tests -->
<scenario name="/home/me/.coretk/xmls/office.xml">
  <networks>
    <network id="3" name="sw1" type="SWITCH">
      <position x="300.0" y="200.0" lat="47.57" lon="-122.13" alt="2.0"/>
    </network>
    <network id="9" name="wlan9" type="WIRELESS_LAN">
      <position x="600.0" y="200.0"/>
    </network>
  </networks>
  <devices>
    <device id="1" name="n1" type="PC" class="" image="">
      <position x="200.0" y="350.0"/>
      <services><service name="DefaultRoute"/></services>
    </device>
    <device id="2" name="n2" type="PC" class="" image="">
      <position x="400.0" y="350.0"/>
    </device>
    <device id="4" name="r4" type="router" class="" image="">
      <position x="300.0" y="60.0"/>
      <services><service name="zebra"/><service name="OSPFv2"/><service name="IPForward"/></services>
    </device>
    <device id="5" name="d5" type="PC" class="docker" image="ubuntu:22.04">
      <position x="500.0" y="60.0"/>
    </device>
  </devices>
  <links>
    <link node1="1" node2="3">
      <iface1 id="0" name="eth0" mac="00:00:00:AA:00:01" ip4="10.0.0.20" ip4_mask="24" ip6="2001::14" ip6_mask="64"/>
    </link>
    <link node1="2" node2="3">
      <iface1 id="0" name="eth0" ip4="10.0.0.21" ip4_mask="24"/>
      <options delay="5000" bandwidth="10000000" loss="1.5" jitter="0" dup="0" unidirectional="0" buffer="0"/>
    </link>
    <link node_one="4" node_two="3">
      <interface_one id="0" name="eth0" ip4="10.0.0.1" ip4_mask="24"/>
    </link>
    <link node1="4" node2="5">
      <iface1 id="1" name="eth1" ip4="10.0.1.1" ip4_mask="24"/>
      <iface2 id="0" name="eth0" ip4="10.0.1.2" ip4_mask="24"/>
    </link>
    <link node1="2" node2="9">
      <iface1 id="1" name="eth1" ip4="10.0.9.2" ip4_mask="24"/>
    </link>
  </links>
  <session_hooks>
    <hook name="runtime_hook.sh" state="4">echo hi</hook>
  </session_hooks>
</scenario>
`;

describe('CORE import', () => {
  it('maps devices, switches and links with addresses, MACs and link options', () => {
    const r = fromCore(SCENARIO);
    const t = r.topology!;
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(t.name).toBe('office');
    expect(t.nodes.map((n) => `${n.kind}:${n.name}`)).toEqual(['namespace:n1', 'namespace:n2', 'router:r4', 'namespace:d5', 'bridge:sw1']);
    expect(t.nodes[4].position).toEqual({ x: 300, y: 200 });
    expect(t.links.map((l) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`)).toEqual(['n1:eth0-sw1:sw1-p0', 'n2:eth0-sw1:sw1-p1', 'r4:eth0-sw1:sw1-p2', 'r4:eth1-d5:eth0']);
    expect(t.links[0].a).toMatchObject({ addresses: ['10.0.0.20/24', '2001::14/64'], mac: '00:00:00:aa:00:01' });
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
    expect(find('DefaultRoute')).toBeDefined();
  });

  it('reports XML errors and non-scenarios with a position', () => {
    const bad = '<scenario><devices></scenario>';
    // at the name in the closing tag that does not match
    expect(fromCore(bad).problems[0]).toMatchObject({ code: 'xml-syntax', line: 1, column: bad.indexOf('</scenario>') + 3 });
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
    expect(r.root).toMatchObject({ name: 'a', attrs: { k: '1 & 2', j: 'A' }, text: 't<<raw>', line: 3, column: 1 });
    expect(r.root.children.map((c) => [c.name, c.line, c.column])).toEqual([['b', 3, line3.indexOf('<b/>') + 1], ['c', 3, line3.indexOf('<c>') + 1]]);
  });

  it.each([
    ['<a>', 'not closed'],
    ['<a></b>', 'closes'],
    ['<a x=1/>', 'quoted'],
    ['<a x="1" x="2"/>', 'duplicate'],
    ['<a>&foo;</a>', 'unknown entity'],
    ['<a/><b/>', 'after the document'],
    ['', 'empty'],
  ])('rejects %j', (text, msg) => {
    const r = parseXml(text);
    expect('error' in r && r.error.message).toContain(msg);
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('<', '>', '/', '"', "'", '=', 'a', ' ', '&', ';', '!', '-', '[', ']', '?', '\n') }), (s) => {
        const r = parseXml(s);
        if ('error' in r) expect(r.error.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });
});
