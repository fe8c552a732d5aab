/**
 * Exports of a lab with a Geneve link (shared/kinds/testing/geneve-lab.ts):
 * the shell script (the plan's own commands) and containerlab (the link as
 * exec lines on its two nodes, not under `links:`). Neither exporter knows
 * the kind: both read the plan and the descriptor. Golden files under __golden__/.
 */
import { join } from 'node:path';
import { execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Topology } from '../model';
import { golden as goldenFile } from '../testing/golden';
import { geneveLabDoc } from '../kinds/testing/geneve-lab';
import { toClab } from './clab-export';
import { toMermaid } from './mermaid';
import { toShellScript } from './shell';

const HERE = import.meta.dirname;
const golden = (rel: string, actual: string) => goldenFile(join(HERE, '__golden__', rel), actual);
const lab = () => Topology.parse(geneveLabDoc('geneve-overlay'));

describe('exports of a Geneve link', () => {
  it('shell script: the devices are created with id, remote and port, marked, addressed; valid bash', () => {
    const text = toShellScript(lab(), { source: 'geneve-overlay.yaml' });
    golden('shell/geneve-overlay.sh', text);
    expect(text).toContain('# --- Link gv: Geneve link gv0 on h1 <-> gv0 on h2 ---');
    expect(text).toMatch(
      /ip -n h1 link add name gv0 address 02:56:\S+ type geneve id 7 remote 10\.0\.2\.1 dstport 6081\n/,
    );
    expect(text).toContain('ip -n h2 link set dev gv0 alias netplumb:geneve-overlay:gv:b');
    expect(execaSync('bash', ['-n'], { input: text, reject: false }).exitCode).toBe(0);
  });

  it('containerlab: the link is exec lines on its two nodes, not an endpoint pair', () => {
    const r = toClab(lab(), { image: 'alpine:3.20' });
    golden('clab-export/geneve-overlay.clab.yml', r.text);
    const doc = parseYaml(r.text) as {
      topology: { nodes: Record<string, { exec?: string[] }>; links: { endpoints: string[] }[] };
    };
    expect(doc.topology.links.map((l) => l.endpoints.join(' '))).toEqual([
      'h1:eth0 r1:eth0',
      'h2:eth0 r1:eth1',
    ]);
    expect(doc.topology.nodes.h2.exec).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ip link add name gv0 address 02:56:\S+ type geneve id 7 remote 10\.0\.1\.1 dstport 6081$/,
        ),
        'ip address add 192.168.100.2/24 dev gv0',
        'ip link set dev gv0 up',
      ]),
    );
    expect(doc.topology.nodes.h1.exec!.filter((l) => l.includes('192.168.100.1/24'))).toHaveLength(1);
    expect(r.text).not.toMatch(/alias netplumb/);
  });

  it('Mermaid: dotted and labelled with its VNI (the descriptor style)', () => {
    expect(toMermaid(lab())).toMatch(/-\.-\|"VNI 7: gv0 192\.168\.100\.1\/24 ↔ gv0 192\.168\.100\.2\/24"\|/);
  });
});
