/**
 * Exports of a lab with a VXLAN link (lessons/6-vxlan-overlay.yaml, and the
 * same overlay with the VTEPs on bridges): the shell script (the plan's own
 * commands), containerlab (the link as exec lines on its two nodes, not under
 * `links:`), Mermaid and SVG (dashed, labelled with the VNI, from the kind's
 * descriptor). Golden files under __golden__/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Topology } from '../model';
import { golden as goldenFile } from '../testing/golden';
import { vxlanLabDoc } from '../kinds/testing/vxlan-lab';
import { toClab } from './clab-export';
import { loadTopologyText } from './document';
import { toMermaid } from './mermaid';
import { toShellScript } from './shell';
import { toSvg } from './svg';

const HERE = import.meta.dirname;
const golden = (rel: string, actual: string) => goldenFile(join(HERE, '__golden__', rel), actual);
const lesson = (): Topology => {
  const f = join(HERE, '../../lessons/6-vxlan-overlay.yaml');
  return loadTopologyText(readFileSync(f, 'utf8'), '6-vxlan-overlay.yaml').topology!;
};
const bridged = (): Topology => Topology.parse(vxlanLabDoc('vxlan-bridged', { bridged: true }));

describe('exports of a VXLAN link', () => {
  it('shell script: the VTEPs are created with their parameters, marked, addressed; valid bash', () => {
    const text = toShellScript(lesson(), { source: '6-vxlan-overlay.yaml' });
    golden('shell/vxlan-overlay.sh', text);
    expect(text).toContain('# --- Link overlay: VXLAN link vx0 on h1 <-> vx0 on h2 ---');
    expect(text).toMatch(
      /ip -n h1 link add name vx0 address 02:56:\S+ type vxlan id 42 local 10\.0\.1\.1 remote 10\.0\.2\.1 dstport 4789/,
    );
    expect(text).toContain('ip -n h1 link set dev vx0 alias netplumb:lesson-vxlan:overlay:a');
    expect(execaSync('bash', ['-n'], { input: text, reject: false }).exitCode).toBe(0);
    const br = toShellScript(bridged());
    golden('shell/vxlan-bridged.sh', br);
    expect(br).toContain('ip -n h1 link set dev vx0 master br0');
  });

  it('containerlab: the link is exec lines on its two nodes, not an endpoint pair', () => {
    const r = toClab(lesson(), { image: 'alpine:3.20' });
    golden('clab-export/vxlan-overlay.clab.yml', r.text);
    const doc = parseYaml(r.text) as {
      topology: { nodes: Record<string, { exec?: string[] }>; links: { endpoints: string[] }[] };
    };
    expect(doc.topology.links.map((l) => l.endpoints.join(' '))).toEqual([
      'h1:eth0 r1:eth0',
      'r1:eth1 h2:eth0',
    ]);
    expect(doc.topology.nodes.h1.exec).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ip link add name vx0 address 02:56:\S+ type vxlan id 42 local 10\.0\.1\.1 remote 10\.0\.2\.1 dstport 4789$/,
        ),
        'ip address add 192.168.100.1/24 dev vx0',
        'ip link set dev vx0 up',
      ]),
    );
    expect(doc.topology.nodes.h2.exec!.join('\n')).toMatch(
      /type vxlan id 42 local 10\.0\.2\.1 remote 10\.0\.1\.1/,
    );
    // The overlay address is not written twice (once by the generic end lines, once by the plan's).
    expect(doc.topology.nodes.h1.exec!.filter((l) => l.includes('192.168.100.1/24'))).toHaveLength(1);
    // No ownership marks inside containers.
    expect(r.text).not.toMatch(/alias netplumb/);
  });

  it('Mermaid and SVG: the link is dashed and labelled with its VNI (the descriptor style)', () => {
    const mmd = toMermaid(lesson());
    golden('mermaid/vxlan-overlay.mmd', mmd);
    expect(mmd).toMatch(/n0 -\.-\|"VNI 42: vx0 192\.168\.100\.1\/24 ↔ vx0 192\.168\.100\.2\/24"\| n2/);
    const svg = toSvg(lesson());
    golden('svg/vxlan-overlay.svg', svg);
    expect(svg).toMatch(/stroke-dasharray="6 4"><title>VNI 42<\/title>/);
    expect(svg).toMatch(/>VNI 42<\/text>/);
  });
});
