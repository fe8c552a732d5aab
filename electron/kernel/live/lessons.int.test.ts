/**
 * The shipped lessons: every file validates (netplumb's validator and the
 * JSON Schema), has lesson steps and expectations; the classic, direct-veth,
 * router and VXLAN overlay lessons apply to the real kernel (names given a unique prefix)
 * and every check passes. VLAN isolation runs only where the kernel has
 * bridge VLAN filtering; the STP lesson is not applied (30 s convergence).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTopologyText } from '../../../shared/formats/document';
import { topologyJsonSchema } from '../../../shared/formats/json-schema';
import { parse as parseYaml } from 'yaml';
import { hasErrors } from '../../../shared/validate';
import { detectCapabilities } from '../capabilities';
import { applyDocument, destroyLab } from '../engine';
import { execaRunner } from '../runner';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../test-support/scratch-netns';
import { checkDocument } from './check';
import { prefixedLesson as prefixed } from './lesson-fixture';
import { listLessons, readLesson } from './lessons';
import { traceDocument } from './trace';
import { tracerouteInLab } from './traceroute';

const DIR = join(import.meta.dirname, '../../../lessons');
const root = isRoot();

describe('lessons', () => {
  it('lists the six lessons with titles and steps, in order', async () => {
    const list = await listLessons(DIR);
    expect(list.map((l) => l.id)).toEqual([
      '1-linux-bridge',
      '2-direct-veth',
      '3-router',
      '4-vlan-isolation',
      '5-bridge-loop-stp',
      '6-vxlan-overlay',
    ]);
    for (const l of list) {
      expect(l.title).not.toBe(l.id);
      expect(l.steps).toBeGreaterThanOrEqual(3);
    }
    expect(await readLesson(DIR, '../examples/router')).toBeUndefined();
  });

  it.each([
    '1-linux-bridge',
    '2-direct-veth',
    '3-router',
    '4-vlan-isolation',
    '5-bridge-loop-stp',
    '6-vxlan-overlay',
  ])('%s validates, has a lesson and expectations, and matches the JSON Schema', async (id) => {
    const { text } = (await readLesson(DIR, id))!;
    const r = loadTopologyText(text, `${id}.yaml`);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r.topology?.lesson?.steps.length).toBeGreaterThanOrEqual(3);
    expect(r.topology?.expect.length).toBeGreaterThanOrEqual(2);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(topologyJsonSchema());
    expect(validate(parseYaml(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('says in the VLAN lesson that it needs VLAN filtering', () => {
    expect(readFileSync(join(DIR, '4-vlan-isolation.yaml'), 'utf8')).toMatch(
      /needs \*\*bridge VLAN filtering\*\*/,
    );
  });
});

describe.skipIf(!root)(`lessons on the real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  let p = '';
  let run: ReturnType<typeof tempRunDir>;
  let vlan = false;
  beforeAll(async () => {
    vlan = (await detectCapabilities(execaRunner)).features.bridgeVlanFiltering;
  }, 120_000);
  beforeEach(() => {
    p = uniquePrefix();
    run = tempRunDir();
  });
  afterEach(async () => {
    try {
      await destroyLab(`${p}-lesson`, { runDir: run.dir });
    } finally {
      await cleanupPrefix(p);
      run.remove();
    }
    // Namespace teardown is asynchronous in the kernel and slow on a loaded machine.
  }, 180_000);

  const applyAndCheck = async (id: string) => {
    const r = loadTopologyText((await readLesson(DIR, id))!.text, `${id}.yaml`);
    expect(hasErrors(r.problems)).toBe(false);
    const t = prefixed(r.topology!, p);
    const a = await applyDocument(t, { runDir: run.dir });
    expect(a.problems.filter((x) => x.severity === 'error')).toEqual([]);
    expect(a.result?.ok).toBe(true);
    return checkDocument(t, { runDir: run.dir });
  };

  it.each(['1-linux-bridge', '2-direct-veth', '3-router', '6-vxlan-overlay'])(
    '%s applies and every check passes',
    async (id) => {
      const c = await applyAndCheck(id);
      expect(
        c.results.map((x) => `${x.label}: ${x.status} (${x.detail})`).filter((s) => !/: pass /.test(s)),
      ).toEqual([]);
      expect(c.ok).toBe(true);
    },
  );

  it('3-router: traceroute names the router as hop 1; step mode shows the router ARP on its other side and forward', async () => {
    const c = await applyAndCheck('3-router');
    expect(c.ok).toBe(true);
    const lab = `${p}-lesson`;
    const tr = await tracerouteInLab(lab, 'h1', 'h2', { runDir: run.dir });
    expect(tr.hops.map((h) => [h.ttl, h.address, h.nodeId, h.kind])).toEqual([
      [1, '10.1.0.1', 'r1', 'time-exceeded'],
      [2, '10.2.0.2', 'h2', 'reply'],
    ]);
    const t = prefixed(loadTopologyText((await readLesson(DIR, '3-router'))!.text, 'r.yaml').topology!, p);
    const st = await traceDocument(t, 'h1', 'h2', { runDir: run.dir });
    expect(st.reached).toBe(true);
    const seq = st.hops.map((h) => `${h.nodeId}:${h.iface}:${h.direction}:${h.kind}`);
    // h1 ARPs for its gateway, then the router ARPs for h2 on its other side before forwarding.
    expect(seq.indexOf('h1:eth0:out:arp-request')).toBeLessThan(seq.indexOf('h1:eth0:out:echo-request'));
    expect(seq.indexOf('r1:eth0:in:echo-request')).toBeLessThan(seq.indexOf('r1:eth1:out:arp-request'));
    expect(seq.indexOf('r1:eth1:out:arp-request')).toBeLessThan(seq.indexOf('r1:eth1:out:echo-request'));
    expect(seq.indexOf('r1:eth1:out:echo-request')).toBeLessThan(seq.indexOf('h2:eth0:out:echo-reply'));
    expect(
      st.hops.find((h) => h.nodeId === 'r1' && h.kind === 'echo-request' && h.direction === 'out')!
        .explanation,
    ).toMatch(/forwarded by .* via eth1 \(routing table: 10\.2\.0\.2 dev eth1/);
  });

  it('4-vlan-isolation applies and isolates VLAN 20 (needs bridge VLAN filtering)', async (ctx) => {
    if (!vlan) ctx.skip('this kernel lacks bridge VLAN filtering');
    const c = await applyAndCheck('4-vlan-isolation');
    expect(c.ok).toBe(true);
  });
});
