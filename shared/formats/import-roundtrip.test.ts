/**
 * Imports exported to containerlab run the same network: reading the
 * exported file back gives every namespace the same addresses, routes,
 * gateway and forwarding as the import.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isNetnsNode, type Topology } from '../model';
import { readKatharaFiles } from '../../electron/cli/kathara-files';
import { fromClab, toClab } from './clab';
import { fromKathara } from './kathara';
import { fromMiniEdit } from './miniedit';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');

/** Per namespace node: its kind, forwarding, gateway, routes and its interfaces' addresses. */
function network(t: Topology) {
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const out: Record<string, unknown> = {};
  for (const n of t.nodes) {
    if (!isNetnsNode(n)) continue;
    const ifs = t.links
      .flatMap((l) => [l.a, l.b])
      .filter((e) => e.node === n.id)
      .map((e) => `${e.ifname} ${e.addresses.join(' ')}`)
      .sort();
    out[n.name] = {
      kind: n.kind,
      v6: n.kind === 'router' ? n.ipv6Forwarding : false,
      gateway: n.gateway ?? {},
      routes: n.routes,
      ifs,
    };
  }
  // bridges joining the same ends
  const seg = t.links
    .map((l) =>
      [l.a, l.b]
        .map((e) => byId.get(e.node)!.name)
        .sort()
        .join('-'),
    )
    .sort();
  return { nodes: out, seg };
}

function viaClab(t: Topology): Topology {
  const back = fromClab(toClab(t).text);
  expect(back.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return back.topology!;
}

describe('imports exported to containerlab keep addresses and routes', () => {
  it.each(['02-two-routers', 'campus-ext'])('Kathará %s', (lab) => {
    const dir = join(FIX, 'kathara', lab);
    const conf = readFileSync(join(dir, 'lab.conf'), 'utf8');
    const t = fromKathara(conf, {
      fileName: join(dir, 'lab.conf'),
      ...readKatharaFiles(dir, conf),
    }).topology!;
    const back = viaClab(t);
    expect(network(back)).toEqual(network(t));
    // the Kathará image is the container image of the exported node
    expect(back.nodes.find((n) => n.name === 'r1')?.origin?.image ?? 'alpine:3.20').toBe(
      lab === 'campus-ext' ? 'kathara/frr' : 'alpine:3.20',
    );
  });

  it.each(['pingall-switches.mn', 'link-options.mn'])('MiniEdit %s', (file) => {
    const t = fromMiniEdit(readFileSync(join(FIX, 'miniedit', file), 'utf8'), file).topology!;
    expect(network(viaClab(t))).toEqual(network(t));
  });
});
