/**
 * The resident engine's warm-up (issue 13): before it listens, it runs the
 * pure code every lab command runs — a lab file's parse and validation,
 * resolve, the plan of a lab from nothing and of the same lab in sync, the
 * plan's text — on a made-up star lab, a few rounds. Why: V8 compiles a
 * function for speed only once it has run enough; the engine's first
 * commands ran that code cold (measured at 200 hosts: loading and
 * validating the file took 15-26 ms in the first commands, 4 ms from about
 * the tenth on). Nothing here touches the kernel or a file, and a failure
 * only loses the warm-up.
 */
import { plan, resolve, simulate } from '../../shared/plan';
import { ROOT_NS, type KState } from '../../shared/plan/kstate';
import { loadJsonTopologyText } from '../../shared/formats/text-load';
import { formatPlan } from './output';

/** How many hosts the made-up lab has, and how many rounds are run. */
const WARM_HOSTS = 64;
const WARM_ROUNDS = 10;

/** The made-up lab's file text: hosts on one bridge, each with an address, as a user's star lab is written. */
function warmText(hosts: number): string {
  const nodes: object[] = [{ id: 'br', name: 'wbr', kind: 'bridge' }];
  const links: object[] = [];
  for (let i = 0; i < hosts; i++) {
    nodes.push({ id: `h${i}`, name: `wh${i}`, kind: 'namespace', position: { x: i * 40, y: 120 } });
    links.push({
      id: `l${i}`,
      a: { node: `h${i}`, ifname: 'eth0', addresses: [`10.99.${i >> 8}.${(i & 255) + 1}/16`] },
      b: { node: 'br', ifname: `wp${i}` },
    });
  }
  return JSON.stringify({ version: 1, name: 'engine-warm-up', nodes, links }, null, 2);
}

/** A host with nothing of the lab: the root namespace and its loopback. */
const emptyHost = (): KState => ({
  namespaces: {
    [ROOT_NS]: {
      name: ROOT_NS,
      sysctls: {},
      routes: [],
      ifaces: { lo: { name: 'lo', kind: 'loopback', up: true, addresses: ['127.0.0.1/8'] } },
    },
  },
});

/** One round on a lab of `hosts` hosts: how many changes its plan from nothing has, and its plan once in sync (undefined: the lab did not load). */
export async function warmRound(
  hosts = WARM_HOSTS,
): Promise<{ fromNothing: number; inSync: number } | undefined> {
  const noLocator = () => Promise.resolve(() => () => undefined);
  const { topology } = await loadJsonTopologyText(warmText(hosts), noLocator, { seal: true });
  if (!topology) return undefined;
  const desired = resolve(topology);
  const fromNothing = plan(desired, emptyHost());
  const inSync = plan(desired, simulate(emptyHost(), fromNothing.changes));
  formatPlan(topology.name, fromNothing.changes);
  formatPlan(topology.name, inSync.changes);
  return { fromNothing: fromNothing.changes.length, inSync: inSync.changes.length };
}

/** Runs the rounds (yielding to the event loop between them); resolves when done, whatever happened. */
export async function warmUp(rounds = WARM_ROUNDS): Promise<void> {
  try {
    for (let i = 0; i < rounds; i++) {
      if (!(await warmRound())) return;
      await new Promise((r) => setImmediate(r));
    }
  } catch {
    // Only the warm-up is lost.
  }
}
