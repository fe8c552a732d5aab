/**
 * Activity checks on the real kernel: each check of an activity (reach,
 * no-reach, route, address, interface state, FDB, VLAN isolation, RTT,
 * traceroute path) evaluated against an applied lab, through the same
 * ownership and traffic-scope rules as `netplumb check` (owned.ts,
 * lab-addresses.ts): commands run only in namespaces the lab owns, pings go
 * only to addresses of the lab.
 *
 * Checks run one after another in their order, because an FDB check needs the
 * traffic of an earlier reach check. Document interface names in checks are
 * mapped to kernel names with the lab's name prefix (grading, shared
 * machines). Checks this kernel cannot run (VLAN isolation without bridge
 * VLAN filtering, RTT without netem) are "skipped" with the reason.
 */
import type { ActivityCheck, Topology } from '../../../shared/model';
import type { CheckOutcome, CheckStatus, PlacedCheck } from '../../../shared/activity';
import { canonicalIp, networkOf } from '../../../shared/util/ip';
import { detectCapabilities, REAL_KERNEL, type Capabilities } from '../capabilities';
import { findLabNode, labTarget } from './lab-addresses';
import { labRecord, ownedBridge, ownedNode, runnerOf, type LiveOptions } from './owned';
import { pingFromNamespace } from './ping';
import { readBridgeTables, readNamespaceTables } from './tables';
import { tracerouteInLab } from './traceroute';

/** Options of {@link runActivityChecks}. */
export interface ActivityCheckOptions extends LiveOptions {
  /** The name prefix the lab was applied with ('' when none): maps the checks' interface names. */
  prefix?: string;
  /** Detected capabilities (default: detected once per process). */
  capabilities?: Capabilities;
  /** Called after each check (progress). */
  onCheck?: (o: CheckOutcome, index: number, total: number) => void;
}

type Found = { ok: boolean; detail: string } | { skipped: string } | { error: string };

const isAddr = (s: string) => canonicalIp(s) !== null;

/** Pings `to` (node id or lab address) from node `from`; reached or not, with plain words. */
async function reach(
  lab: string,
  t: Topology,
  from: string,
  to: string,
  o: LiveOptions,
  count = 2,
): Promise<{ reached: boolean; detail: string; rttAvg?: number } | { error: string }> {
  let src;
  try {
    src = await ownedNode(lab, from, o);
  } catch (e) {
    return { error: (e as Error).message };
  }
  let target;
  try {
    target = labTarget(t, to);
  } catch (e) {
    // A node without an address cannot be reached: that is a result, not a failure to check.
    if (!isAddr(to) && isLabNode(t, to)) return { reached: false, detail: (e as Error).message };
    return { error: (e as Error).message };
  }
  const s = await pingFromNamespace(runnerOf(o), src.ns, target.address, count);
  // Neither reached nor not: nothing was sent (see pingFailure).
  if (s.failure) return { error: s.failure };
  const what = `${to}${target.nodeId ? ` (${target.address})` : ''}`;
  if (s.received > 0)
    return {
      reached: true,
      detail: `${from} reached ${what}: ${s.received}/${s.sent} replies${s.rtt ? `, avg ${s.rtt.avg} ms` : ''}`,
      ...(s.rtt ? { rttAvg: s.rtt.avg } : {}),
    };
  return {
    reached: false,
    detail: `${from} did not reach ${what}: no reply to ${s.sent || count} pings${/unreachable/i.test(s.output) ? ' (unreachable: no route)' : ''}`,
  };
}

/** A route destination as the kernel prints it vs. as a check writes it ("default", a prefix, a host address). */
function sameDst(kernel: string, wanted: string): boolean {
  const norm = (x: string) =>
    x === 'default' ? x : (networkOf(x.includes('/') ? x : `${x}/${x.includes(':') ? 128 : 32}`) ?? x);
  const isDefault = (x: string) => x === 'default' || x === '0.0.0.0/0' || x === '::/0';
  const k = norm(kernel);
  const w = norm(wanted);
  return isDefault(k) || isDefault(w) ? isDefault(k) && isDefault(w) : k === w;
}

async function evaluate(
  lab: string,
  t: Topology,
  c: ActivityCheck,
  o: ActivityCheckOptions,
  caps: () => Promise<Capabilities>,
): Promise<Found> {
  const px = (ifname: string) => (o.prefix ?? '') + ifname;
  const runner = runnerOf(o);
  switch (c.kind) {
    case 'reach':
    case 'no-reach': {
      const r = await reach(lab, t, c.from, c.to, o);
      if ('error' in r) return r;
      return { ok: r.reached === (c.kind === 'reach'), detail: r.detail };
    }
    case 'route': {
      const src = await ownedNode(lab, c.node, o);
      const { routes } = await readNamespaceTables(runner, src.ns);
      const hit = routes.find(
        (r) =>
          sameDst(r.dst, c.to) &&
          (!c.via || (!!r.via && canonicalIp(r.via) === canonicalIp(c.via))) &&
          (!c.dev || r.dev === px(c.dev)),
      );
      const near = routes
        .filter((r) => sameDst(r.dst, c.to))
        .map((r) => `${r.dst}${r.via ? ` via ${r.via}` : ''}${r.dev ? ` dev ${r.dev}` : ''}`);
      return hit
        ? {
            ok: true,
            detail: `${c.node} has ${hit.dst}${hit.via ? ` via ${hit.via}` : ''}${hit.dev ? ` dev ${hit.dev}` : ''}`,
          }
        : {
            ok: false,
            detail: near.length
              ? `${c.node} has ${near.join('; ')}, not the route asked for`
              : `${c.node} has no route to ${c.to} (${routes.length} routes)`,
          };
    }
    case 'address': {
      const src = await ownedNode(lab, c.node, o);
      const { interfaces } = await readNamespaceTables(runner, src.ns);
      const where = interfaces.filter((i) => !c.ifname || i.name === px(c.ifname));
      if (c.ifname && !where.length) return { ok: false, detail: `${c.node} has no interface ${c.ifname}` };
      const hit = where.find((i) => i.addresses.some((a) => sameAddress(a, c.address)));
      const seen = where.flatMap((i) =>
        i.addresses.filter(
          (a) => !a.startsWith('127.') && a !== '::1/128' && !a.toLowerCase().startsWith('fe80'),
        ),
      );
      return hit
        ? { ok: true, detail: `${c.node} has ${c.address} on ${hit.name}` }
        : {
            ok: false,
            detail: `${c.node}${c.ifname ? ` ${c.ifname}` : ''} has ${seen.length ? seen.join(', ') : 'no address'}, not ${c.address}`,
          };
    }
    case 'iface-state': {
      const node = t.nodes.find((n) => n.id === c.node);
      let ifaces;
      if (node?.kind === 'bridge') {
        const b = await ownedBridge(lab, c.node, o);
        ifaces = (await readBridgeTables(runner, b.ns, b.name)).interfaces;
      } else ifaces = (await readNamespaceTables(runner, (await ownedNode(lab, c.node, o)).ns)).interfaces;
      const i = ifaces.find((x) => x.name === px(c.ifname));
      if (!i) return { ok: false, detail: `${c.node} has no interface ${c.ifname}` };
      return {
        ok: i.up === c.up,
        detail: `${c.ifname} on ${c.node} is ${i.up ? 'up' : 'down'} (operstate ${i.operstate})`,
      };
    }
    case 'fdb': {
      const b = await ownedBridge(lab, c.bridge, o);
      const { fdb } = await readBridgeTables(runner, b.ns, b.name);
      let macs: string[];
      if (c.mac) macs = [c.mac.toLowerCase()];
      else {
        const src = await ownedNode(lab, c.node!, o);
        macs = (await readNamespaceTables(runner, src.ns)).interfaces
          .filter((i) => i.name !== 'lo' && i.mac)
          .map((i) => i.mac!.toLowerCase());
      }
      const hit = fdb.find((e) => macs.includes(e.mac.toLowerCase()));
      return hit
        ? { ok: true, detail: `${c.bridge} learned ${hit.mac} on port ${hit.port}` }
        : {
            ok: false,
            detail: `${c.bridge} has not learned ${c.mac ?? `any MAC of ${c.node}`} (${fdb.length} learned entr${fdb.length === 1 ? 'y' : 'ies'}; learning needs traffic)`,
          };
    }
    case 'vlan-isolation': {
      if (!(await caps()).features.bridgeVlanFiltering)
        return { skipped: 'skipped: kernel lacks bridge VLAN filtering' };
      const same = await reach(lab, t, c.from, c.same, o);
      if ('error' in same) return same;
      const other = await reach(lab, t, c.from, c.other, o);
      if ('error' in other) return other;
      return { ok: same.reached && !other.reached, detail: `${same.detail}; ${other.detail}` };
    }
    case 'rtt': {
      if (!(await caps()).features.netem) return { skipped: 'skipped: kernel lacks netem' };
      const r = await reach(lab, t, c.from, c.to, o, 5);
      if ('error' in r) return r;
      if (!r.reached || r.rttAvg === undefined) return { ok: false, detail: r.detail };
      const ok =
        (c.atLeastMs === undefined || r.rttAvg >= c.atLeastMs) &&
        (c.atMostMs === undefined || r.rttAvg <= c.atMostMs);
      return { ok, detail: `average round trip ${r.rttAvg} ms` };
    }
    case 'path': {
      try {
        labTarget(t, c.to);
      } catch (e) {
        // A node without an address cannot be reached: a result, like in reach().
        if (!isAddr(c.to) && isLabNode(t, c.to)) return { ok: false, detail: (e as Error).message };
        throw e;
      }
      const tr = await tracerouteInLab(lab, c.from, c.to, o);
      const routers = tr.hops
        .filter((h) => h.kind === 'time-exceeded')
        .map((h) => h.nodeId ?? h.address ?? '?');
      const ok = tr.reached && routers.length === c.via.length && routers.every((r, i) => r === c.via[i]);
      return {
        ok,
        detail: `${tr.reached ? 'reached' : 'not reached'}${routers.length ? ` through ${routers.join(', ')}` : ' with no router on the way'}`,
      };
    }
  }
}

function sameAddress(kernel: string, wanted: string): boolean {
  const [ka, kl] = kernel.split('/');
  const [wa, wl] = wanted.split('/');
  return canonicalIp(ka) === canonicalIp(wa) && (wl === undefined || kl === wl);
}

/**
 * Runs `checks` against the applied lab `lab` and returns one outcome per
 * check, in order. Never throws for a check: a refusal or a failed read
 * becomes that check's "error" with the reason. Break-it checks pass when
 * what they test fails.
 */
export async function runActivityChecks(
  lab: string,
  checks: readonly PlacedCheck[],
  o: ActivityCheckOptions = {},
): Promise<CheckOutcome[]> {
  const t = labRecord(lab, o).topology;
  let capsP: Promise<Capabilities> | undefined;
  const caps = () =>
    o.capabilities
      ? Promise.resolve(o.capabilities)
      : (capsP ??= detectCapabilities(runnerOf(o), { key: REAL_KERNEL }));
  const out: CheckOutcome[] = [];
  for (const [i, c] of checks.entries()) {
    let f: Found;
    try {
      f = await evaluate(lab, t, c, o, caps);
    } catch (e) {
      f = { error: (e as Error).message };
    }
    const [status, detail]: [CheckStatus, string] =
      'skipped' in f
        ? ['skipped', f.skipped]
        : 'error' in f
          ? ['error', f.error]
          : [
              f.ok !== c.breakIt ? 'pass' : 'fail',
              c.breakIt ? `${f.detail} (break it: passes when this fails)` : f.detail,
            ];
    const outcome: CheckOutcome = { id: c.id, status, detail, at: new Date().toISOString() };
    out.push(outcome);
    o.onCheck?.(outcome, i, checks.length);
  }
  return out;
}

/** True when `ref` names one node of the lab, as labTarget resolves it (by id, else by name). */
function isLabNode(t: Parameters<typeof findLabNode>[0], ref: string): boolean {
  try {
    return findLabNode(t, ref) !== undefined;
  } catch {
    return false; // a name several nodes share: labTarget's own refusal stands
  }
}
