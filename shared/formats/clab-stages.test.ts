/**
 * containerlab `stages` (types/stages.go, core/clab.go): the exec commands of
 * a node's stages configure it as its `exec` does, in the order a deploy runs
 * them; those that cannot end up in the running lab are warned at their line,
 * never dropped without a word.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fromClab } from './clab';
import { isNetnsNode, type Topology } from '../model';

/** Two linux nodes linked eth1—eth1; `n1` gets `extra` merged into its settings, the topology `top`. */
function lab(extra: Record<string, unknown>, top: Record<string, unknown> = {}) {
  return stringify({
    name: 'st',
    topology: {
      ...top,
      nodes: { n1: { kind: 'linux', image: 'alpine', ...extra }, n2: { kind: 'linux', image: 'alpine' } },
      links: [{ endpoints: ['n1:eth1', 'n2:eth1'] }],
    },
  });
}

const n1Mtu = (t: Topology) => t.links[0].a.mtu;
const n1Addresses = (t: Topology) => t.links[0].a.addresses;
const stageWarnings = (r: ReturnType<typeof fromClab>) => r.problems.filter((p) => p.code === 'clab-stages');

describe('containerlab stages', () => {
  it('the exec commands of create-links, configure and healthy configure the node like its exec', () => {
    const r = fromClab(
      lab({
        stages: {
          'create-links': { exec: [{ command: 'ip link set dev eth1 mtu 1400', phase: 'on-exit' }] },
          configure: { exec: [{ command: 'ip addr add 10.0.0.1/24 dev eth1', phase: 'on-exit' }] },
          healthy: { exec: [{ command: 'ip addr add fd00::1/64 dev eth1', target: 'container' }] },
        },
      }),
      'st.clab.yml',
    );
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(stageWarnings(r)).toEqual([]);
    expect(n1Mtu(r.topology!)).toBe(1400);
    expect(n1Addresses(r.topology!)).toEqual(['10.0.0.1/24', 'fd00::1/64']);
  });

  it('runs them in the order of a deploy: create on-exit … configure, then exec, then healthy (the last MTU set wins)', () => {
    // Each step sets the MTU; the one containerlab runs last must be the one imported.
    // (create on-exit and create-links on-enter run before the links exist: see below; healthy
    // on-exit needs a healthcheck, which the node has here)
    const steps: [string, string, string | undefined][] = [
      ['create-links', 'on-exit', undefined],
      ['configure', 'on-enter', undefined],
      ['configure', 'on-exit', undefined],
      ['exec', '', undefined],
      ['healthy', 'on-enter', undefined],
      ['healthy', 'on-exit', undefined],
    ];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          steps.map((_, i) => i),
          { minLength: 1 },
        ),
        (chosen) => {
          const stages: Record<string, { exec: object[] }> = {};
          let exec: string[] | undefined;
          // Written in a shuffled order: only the stage and phase decide when a command runs.
          for (const i of chosen) {
            const [stage, phase] = steps[i];
            const command = `ip link set dev eth1 mtu ${1300 + i}`;
            if (stage === 'exec') exec = [command];
            else (stages[stage] ??= { exec: [] }).exec.push({ command, phase });
          }
          const r = fromClab(
            lab({ stages, ...(exec ? { exec } : {}), healthcheck: { test: ['CMD', 'true'] } }),
            'st.clab.yml',
          );
          expect(n1Mtu(r.topology!)).toBe(1300 + Math.max(...chosen));
        },
      ),
    );
  });

  it('before the links exist (create on-exit, create-links on-enter) a command about a link interface fails there: said, not run; others run', () => {
    const r = fromClab(
      lab({
        stages: {
          create: { exec: [{ command: 'ip addr add 10.0.0.9/24 dev eth1', phase: 'on-exit' }] },
          'create-links': {
            exec: [
              { command: 'ip link add name br0 type bridge' },
              { command: 'ip link set dev eth1 master br0' },
              { command: 'ip link set dev br0 up', phase: 'on-exit' },
              { command: 'ip link set dev eth1 master br0', phase: 'on-exit' },
            ],
          },
        },
      }),
      'st.clab.yml',
    );
    const w = stageWarnings(r).map((p) => `${p.line} ${p.message}`);
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(
      /ip addr add 10\.0\.0\.9\/24 dev eth1.*before containerlab makes the node's links, so eth1 does not exist yet/,
    );
    expect(w[1]).toMatch(/ip link set dev eth1 master br0.*eth1 does not exist yet/);
    // The bridge made before the links is kept, and the on-exit line (links made) makes eth1 its port.
    const t = r.topology!;
    const br = t.nodes.find((n) => n.name === 'br0')!;
    expect(t.links[0].a.node).toBe(br.id);
    expect(t.links[0].a.addresses).toEqual([]);
  });

  it('healthy on-exit runs only for a node with a healthcheck (the stage ends when it passes)', () => {
    const stages = { healthy: { exec: [{ command: 'ip link set dev eth1 mtu 1450', phase: 'on-exit' }] } };
    const without = fromClab(lab({ stages }), 'st.clab.yml');
    // eth1 keeps the MTU containerlab gives its link: 9500, its default.
    expect(n1Mtu(without.topology!)).toBe(9500);
    expect(stageWarnings(without)[0].message).toMatch(/without a healthcheck never does/);
    const withCheck = fromClab(lab({ stages, healthcheck: { test: ['CMD', 'true'] } }), 'st.clab.yml');
    expect(n1Mtu(withCheck.topology!)).toBe(1450);
    expect(stageWarnings(withCheck)).toEqual([]);
  });

  it('defaults, kinds and groups add their stage commands before the node’s (containerlab appends them)', () => {
    const r = fromClab(
      lab(
        { group: 'g', stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1403' }] } } },
        {
          defaults: { stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1400' }] } } },
          kinds: {
            linux: { stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1401' }] } } },
          },
          groups: { g: { stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1402' }] } } } },
        },
      ),
      'st.clab.yml',
    );
    expect(n1Mtu(r.topology!)).toBe(1403);
    // Without the node's own, the group's comes last.
    const g = fromClab(
      lab(
        { group: 'g' },
        {
          defaults: { stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1400' }] } } },
          groups: { g: { stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1402' }] } } } },
        },
      ),
      'st.clab.yml',
    );
    expect(n1Mtu(g.topology!)).toBe(1402);
  });

  it('what cannot end up in the running lab is warned at its line and not run', () => {
    const cases: [object, RegExp][] = [
      [{ command: 'ip addr add 10.0.0.9/24 dev eth1', target: 'host' }, /containerlab host/],
      [{ command: 'ip addr add 10.0.0.9/24 dev eth1', phase: 'on-start' }, /never runs/],
      [{ command: 'ip addr add 10.0.0.9/24 dev eth1', target: 'vm' }, /never runs/],
      [{ phase: 'on-enter' }, /no command/],
    ];
    for (const [entry, why] of cases) {
      const r = fromClab(lab({ stages: { configure: { exec: [entry] } } }), 'st.clab.yml');
      const w = stageWarnings(r);
      expect(w, JSON.stringify(entry)).toHaveLength(1);
      expect(w[0].message).toMatch(why);
      expect(w[0].message).toContain('"n1"');
      expect(w[0].line).toBeGreaterThan(0);
      expect(n1Addresses(r.topology!)).toEqual([]);
    }
    const create = fromClab(
      lab({ stages: { create: { exec: [{ command: 'ip addr add 10.0.0.9/24 dev eth1' }] } } }),
      'st.clab.yml',
    );
    expect(stageWarnings(create)[0].message).toMatch(/before containerlab creates the container/);
    expect(n1Addresses(create.topology!)).toEqual([]);
    const exit = fromClab(
      lab({
        stages: { exit: { exec: [{ command: 'ip addr add 10.0.0.9/24 dev eth1', phase: 'on-exit' }] } },
      }),
      'st.clab.yml',
    );
    expect(stageWarnings(exit)[0].message).toMatch(/exit stage/);
    for (const bad of [
      { stages: 'x' },
      { stages: { boot: {} } },
      { stages: { configure: { exec: 'ls' } } },
      { stages: { 'create-links': ['ls'] } },
      { stages: { configure: { execs: [{ command: 'ls' }] } } },
      { stages: { configure: { exec: [{ command: 'ip link set dev eth1 mtu 1400', phse: 'on-exit' }] } } },
    ]) {
      const r = fromClab(lab(bad), 'st.clab.yml');
      expect(stageWarnings(r), JSON.stringify(bad)).toHaveLength(1);
    }
  });

  it('wait-for alone says nothing (it only orders a deploy); a command netplumb cannot express is kept as a note', () => {
    const r = fromClab(
      lab({
        stages: {
          create: { 'wait-for': [{ node: 'n2', stage: 'create' }] },
          configure: { exec: [{ command: 'touch /tmp/ready' }] },
        },
      }),
      'st.clab.yml',
    );
    expect(stageWarnings(r)).toEqual([]);
    expect(r.problems.filter((p) => p.code === 'clab-dropped')).toEqual([]);
    const n1 = r.topology!.nodes.find((n) => n.name === 'n1')!;
    expect(isNetnsNode(n1) && n1.notes).toContain('touch /tmp/ready');
    expect(r.problems.some((p) => p.code === 'clab-exec' && p.message.includes('touch /tmp/ready'))).toBe(
      true,
    );
  });
});
