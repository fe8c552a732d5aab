/** Small activity documents for the unit tests of shared/activity. */
import { parseTopology, type Topology } from '../model';

/** The router activity's starting topology (like activities/2-router.yaml), parsed. */
export function routerActivity(): Topology {
  const r = parseTopology({
    version: 1,
    name: 'act-router',
    lesson: {
      title: 'Router',
      steps: [
        { title: 'a', text: 'x' },
        { title: 'b', text: 'y' },
      ],
    },
    nodes: [
      { name: 'h1', kind: 'namespace', position: { x: 0, y: 0 } },
      { name: 'r1', kind: 'router' },
      { name: 'h2', kind: 'namespace' },
    ],
    links: [
      {
        id: 'left',
        a: { node: 'h1', ifname: 'eth0', addresses: ['10.1.0.2/24'] },
        b: { node: 'r1', ifname: 'eth0', addresses: ['10.1.0.1/24'] },
      },
    ],
    activity: {
      version: 1,
      locked: { nodes: ['r1'], links: ['left'], fields: [{ node: 'h2', field: 'gateway' }] },
      checks: [
        { id: 'reach-h1-h2', kind: 'reach', from: 'h1', to: 'h2', points: 2 },
        { id: 'gw-h1', kind: 'route', node: 'h1', to: 'default', via: '10.1.0.1' },
      ],
    },
  });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.topology;
}

/** A student's finished router lab (plain document), without the activity block. */
export function routerSolution(): Record<string, unknown> & {
  nodes: Record<string, unknown>[];
  links: Record<string, unknown>[];
} {
  return {
    version: 1,
    name: 'whatever-the-student-typed',
    nodes: [
      { name: 'h1', kind: 'namespace', gateway: { ipv4: '10.1.0.1' }, position: { x: 50, y: 80 } },
      { name: 'r1', kind: 'router' },
      { name: 'h2', kind: 'namespace' },
    ],
    links: [
      {
        id: 'left',
        a: { node: 'h1', ifname: 'eth0', addresses: ['10.1.0.2/24'] },
        b: { node: 'r1', ifname: 'eth0', addresses: ['10.1.0.1/24'] },
      },
      {
        id: 'right',
        a: { node: 'r1', ifname: 'eth1', addresses: ['10.2.0.1/24'] },
        b: { node: 'h2', ifname: 'eth0', addresses: ['10.2.0.2/24'] },
      },
    ],
  };
}
