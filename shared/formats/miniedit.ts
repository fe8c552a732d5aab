/**
 * Mininet MiniEdit (`.mn`, JSON) → netplumb, with Mininet's semantics (see
 * mininet-rules.ts). Hosts become namespaces with the address Mininet gives
 * them and their default route; legacy switches and OpenFlow switches become
 * learning Linux bridges (an OpenFlow switch is named in a warning unless a
 * learning controller drives it); legacy routers become routers (MiniEdit
 * gives them no address). Interfaces are named as Mininet names them
 * (`h1-eth0`, `s1-eth1`). TCLink options become netem on both ends.
 * Settings that differ from MiniEdit's defaults and have no netplumb form are
 * named in warnings at their place in the file.
 */
import type { Link, LinkEnd, Netem, TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { family } from '../util/ip';
import { parseDocumentText, type DocPath } from './document';
import { finishImport, sourceProblem, type ImportResult } from './import-result';
import {
  cleanName,
  idMaker,
  isCleanName,
  labNameFromPath,
  sanitizeLabName,
  uniqueIfname,
} from './import-names';
import { withPositions } from './layout';
import { linkNetem } from './miniedit-links';
import { ipAdd, MININET_DEFAULT_PREFIX, netParse } from './mininet-rules';

type Plain = Record<string, unknown>;
const isObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const present = (v: unknown) => v !== undefined && v !== null && v !== '';
const empty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === '0' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (isObject(v) && Object.keys(v).length === 0);

/** Host/switch options that matter to nothing netplumb builds or are handled here. */
const QUIET = new Set([
  'hostname',
  'nodeNum',
  'sched',
  'ip',
  'defaultRoute',
  'switchType',
  'controllers',
  'dpid',
  'dpctl',
  'stp',
]);
/** Controller types that make an OpenFlow switch a learning switch, as a Linux bridge is. */
const LEARNING = new Set(['ref', 'ovsc']);

/** Reads a MiniEdit file. Never throws; problems carry line and column in the file. */
export function fromMiniEdit(text: string, fileName = 'topology.mn', labName?: string): ImportResult {
  const parsed = parseDocumentText(text, fileName.endsWith('.json') ? fileName : `${fileName}.json`);
  const at = parsed.locate;
  const problems: Problem[] = [...parsed.problems];
  if (parsed.doc === undefined) return { problems };
  const warn = (message: string, path: DocPath, code = 'miniedit-dropped') =>
    problems.push(sourceProblem('warning', code, message, at(path), [...path]));
  const error = (message: string, path: DocPath) =>
    problems.push(sourceProblem('error', 'miniedit-invalid', message, at(path), [...path]));
  const doc = parsed.doc;
  if (!isObject(doc) || (!Array.isArray(doc.hosts) && !Array.isArray(doc.switches))) {
    error('not a MiniEdit topology: expected "hosts" and "switches" lists', []);
    return { problems };
  }
  const app = isObject(doc.application) ? doc.application : {};
  let net = netParse(str(app.ipBase) ?? '10.0.0.0/8');
  if (!net) {
    warn(
      `ipBase "${str(app.ipBase)}" is not an IPv4 network; hosts without an ip are numbered in 10.0.0.0/8 as Mininet's default`,
      ['application', 'ipBase'],
      'miniedit-invalid',
    );
    net = netParse('10.0.0.0/8')!;
  }
  // Defaults hold an empty target: only a set collector target sends anything.
  if (isObject(app.netflow) && !empty(app.netflow.nflowTarget))
    warn(`NetFlow export to ${str(app.netflow.nflowTarget)} is dropped`, ['application', 'netflow']);
  if (isObject(app.sflow) && !empty(app.sflow.sflowTarget))
    warn(`sFlow export to ${str(app.sflow.sflowTarget)} is dropped`, ['application', 'sflow']);
  const controllerType = new Map<string, string>();
  (Array.isArray(doc.controllers) ? doc.controllers : []).forEach((c, i) => {
    const o = isObject(c) && isObject(c.opts) ? c.opts : {};
    const name = str(o.hostname) ?? `c${i}`;
    const type = str(o.controllerType) ?? 'ref';
    controllerType.set(name, type);
    if (!LEARNING.has(type))
      warn(
        `controller "${name}" (${type}${o.remoteIP ? ` at ${str(o.remoteIP)}:${str(o.remotePort) ?? 6653}` : ''}) is dropped: its switches become learning Linux bridges, which may forward differently`,
        ['controllers', i],
      );
  });

  const nodes: TopoNode[] = [];
  const idOf = idMaker();
  const srcPath = new Map<string, DocPath>();
  const byName = new Map<string, TopoNode>();
  /** Mininet's Node.portBase (hosts and routers 0, switches 1) and the ports each node has so far. */
  const portBase = new Map<string, number>();
  const ports = new Map<string, number[]>();
  const nameFor = (raw: string, path: DocPath) => {
    if (isCleanName(raw)) return raw;
    const clean = cleanName(raw);
    warn(
      `"${raw}" is called "${clean}": netplumb names use letters, digits, "-", "_" and "." only`,
      [...path, 'opts', 'hostname'],
      'miniedit-renamed',
    );
    return clean;
  };
  const addNode = (raw: string, n: TopoNode, path: DocPath, firstIf: number) => {
    if (srcPath.has(raw)) return void error(`two nodes are called "${raw}"`, path);
    nodes.push(n);
    srcPath.set(raw, path);
    byName.set(raw, n);
    portBase.set(raw, firstIf);
    ports.set(raw, []);
  };
  const position = (o: Plain) => {
    const x = Number(o.x);
    const y = Number(o.y);
    return Number.isFinite(x) && Number.isFinite(y) ? { position: { x, y } } : {};
  };
  const dropped = (o: Plain, path: DocPath, who: string) => {
    const keys = Object.keys(o).filter((k) => !QUIET.has(k) && !empty(o[k]));
    if (keys.length)
      warn(
        `${who}: ${keys.map((k) => `${k}=${JSON.stringify(o[k])}`).join(', ')} ${keys.length > 1 ? 'have' : 'has'} no netplumb equivalent and ${keys.length > 1 ? 'are' : 'is'} dropped`,
        [...path, 'opts'],
      );
    return keys;
  };

  const hostIp = new Map<string, string>();
  (Array.isArray(doc.hosts) ? doc.hosts : []).forEach((h, i) => {
    const path: DocPath = ['hosts', i];
    const opts = isObject(h) && isObject(h.opts) ? h.opts : {};
    const number = isObject(h) ? str(h.number) : undefined;
    const raw = str(opts.hostname) ?? (number ? `h${number}` : undefined);
    if (!raw) return void warn('a host without a hostname or number is skipped', path, 'miniedit-invalid');
    const name = nameFor(raw, path);
    const node: TopoNode = {
      id: idOf(name),
      name,
      kind: 'namespace',
      routes: [],
      ...(isObject(h) ? position(h) : {}),
    };
    const gw = str(opts.defaultRoute)
      ?.replace(/^via\s+/, '')
      .trim();
    if (gw) {
      const fam = family(gw);
      if (fam) node.gateway = { [fam === 6 ? 'ipv6' : 'ipv4']: gw };
      else
        warn(`host "${raw}": default route "${gw}" is not an address and is dropped`, [
          ...path,
          'opts',
          'defaultRoute',
        ]);
    }
    const ip = str(opts.ip)?.trim();
    if (ip) {
      // Mininet's setIP gives an address written without "/" the prefix length 8.
      const cidr = ip.includes('/') ? ip : `${ip}/${MININET_DEFAULT_PREFIX}`;
      if (netParse(cidr) && cidr.split('/')[1] !== '') hostIp.set(raw, cidr);
      else warn(`host "${raw}": address "${ip}" is not valid and is dropped`, [...path, 'opts', 'ip']);
    } else {
      const num = Number(opts.nodeNum ?? number);
      const addr = ipAdd(num, net.prefixLen, net.base);
      if (addr) hostIp.set(raw, `${addr}/${MININET_DEFAULT_PREFIX}`);
      else
        warn(
          `host "${raw}": number ${str(opts.nodeNum ?? number)} does not fit in ipBase ${str(app.ipBase) ?? '10.0.0.0/8'} (Mininet stops with "Not enough IP addresses in the subnet"); it gets no address`,
          [...path, 'opts'],
          'miniedit-invalid',
        );
    }
    const lost = dropped(opts, path, `host "${raw}"`);
    const cmds = ['startCommand', 'stopCommand']
      .filter((k) => lost.includes(k))
      .map((k) => `MiniEdit ${k}: ${str(opts[k])}`);
    if (cmds.length) node.notes = cmds.join('\n');
    addNode(raw, node, path, 0);
  });
  (Array.isArray(doc.switches) ? doc.switches : []).forEach((s, i) => {
    const path: DocPath = ['switches', i];
    const opts = isObject(s) && isObject(s.opts) ? s.opts : {};
    const number = isObject(s) ? str(s.number) : undefined;
    const type = str(opts.switchType) ?? 'default';
    const raw =
      str(opts.hostname) ?? (number ? `${type === 'legacyRouter' ? 'r' : 's'}${number}` : undefined);
    if (!raw) return void warn('a switch without a hostname or number is skipped', path, 'miniedit-invalid');
    const name = nameFor(raw, path);
    const pos = isObject(s) ? position(s) : {};
    dropped(opts, path, `${type === 'legacyRouter' ? 'router' : 'switch'} "${raw}"`);
    if (type === 'legacyRouter')
      return addNode(
        raw,
        { id: idOf(name), name, kind: 'router', routes: [], ipv6Forwarding: false, ...pos },
        path,
        0,
      );
    if (type !== 'legacySwitch') {
      const ctrls = Array.isArray(opts.controllers) ? opts.controllers.map(String) : [];
      const learning = ctrls.length > 0 && ctrls.every((c) => LEARNING.has(controllerType.get(c) ?? 'ref'));
      if (!learning)
        warn(
          `switch "${raw}" (${type}) is an OpenFlow switch ${ctrls.length ? `driven by ${ctrls.join(', ')}` : 'without a controller'} in Mininet; it becomes a learning Linux bridge`,
          [...path, 'opts'],
          'miniedit-kind',
        );
    }
    addNode(
      raw,
      {
        id: idOf(name),
        name,
        kind: 'bridge',
        stp: opts.stp === true || opts.stp === '1' || opts.stp === 1,
        vlanFiltering: false,
        addresses: [],
        ...pos,
      },
      path,
      1,
    );
  });

  const links: Link[] = [];
  const linkSrc: number[] = [];
  const rootIfnames = new Set<string>(nodes.filter((n) => n.kind === 'bridge').map((n) => n.name));
  /** Every link end made, with its node (as written in the file) and port. */
  const made: { raw: string; port: number; end: LinkEnd }[] = [];
  (Array.isArray(doc.links) ? doc.links : []).forEach((l, i) => {
    const path: DocPath = ['links', i];
    if (!isObject(l)) return void error(`link ${i + 1} should be an object with "src" and "dest"`, path);
    const src = str(l.src);
    const dest = str(l.dest);
    const missing = [src, dest].find((n) => n === undefined || !byName.has(n));
    if (missing !== undefined || !src || !dest)
      return void error(`link ${i + 1} names a node "${missing ?? ''}" that is not in the file`, path);
    const opts = isObject(l.opts) ? l.opts : {};
    const netem: Netem = linkNetem(opts, `link ${src}–${dest}`, (m, k) =>
      warn(m, k ? [...path, 'opts', k] : [...path, 'opts']),
    );
    // Mininet's Link: an explicit port1/port2 is that end's port; otherwise Node.newPort(), one above
    // the node's highest port so far (or its portBase). Both are chosen before either is added.
    const portOf = (raw: string, key: 'port1' | 'port2'): number => {
      const given = opts[key];
      if (present(given)) {
        if (typeof given === 'number' && Number.isInteger(given) && given >= 0) return given;
        warn(
          `link ${src}–${dest}: ${key} ${JSON.stringify(given)} is not a port number; the end gets the next free port, as when none is given`,
          [...path, 'opts', key],
          'miniedit-invalid',
        );
      }
      const used = ports.get(raw)!;
      return used.length ? Math.max(...used) + 1 : portBase.get(raw)!;
    };
    const p1 = portOf(src, 'port1');
    const p2 = portOf(dest, 'port2');
    // Two interfaces of one node with one name: Mininet's `ip link add` fails and the network does not start.
    const clash: ['port1' | 'port2', string, number] | undefined = ports.get(src)!.includes(p1)
      ? ['port1', src, p1]
      : ports.get(dest)!.includes(p2) || (src === dest && p1 === p2)
        ? ['port2', dest, p2]
        : undefined;
    if (clash) {
      const [key, raw, port] = clash;
      return void error(
        `link ${src}–${dest}: ${byName.get(raw)!.name}-eth${port} (port ${port}) is already an interface of "${raw}"; Mininet fails to create it ("File exists") and the network does not start`,
        present(opts[key]) ? [...path, 'opts', key] : path,
      );
    }
    const end = (raw: string, port: number): LinkEnd => {
      ports.get(raw)!.push(port);
      const node = byName.get(raw)!;
      // Mininet's Link.intfName: node.name + '-eth' + repr(port).
      const base = `${node.name}-eth${port}`;
      // Ports of root bridges share the host's namespace: keep them unique and within 15 bytes.
      const ifname = node.kind === 'bridge' ? uniqueIfname(base, rootIfnames) : uniqueIfname(base, new Set());
      const e: LinkEnd = {
        node: node.id,
        ifname,
        addresses: [],
        up: true,
        ...(Object.keys(netem).length ? { netem: { ...netem } } : {}),
      };
      made.push({ raw, port, end: e });
      return e;
    };
    links.push({ id: `link${links.length + 1}`, a: end(src, p1), b: end(dest, p2) });
    linkSrc.push(i);
  });
  // Mininet configures a host's address on its default interface: the one with the lowest port.
  for (const [raw, ip] of hostIp) {
    const node = byName.get(raw)!;
    const used = ports.get(raw) ?? [];
    if (used.length === 0) {
      warn(`host "${raw}": address ${ip} dropped: the host has no link`, srcPath.get(raw)!);
      continue;
    }
    if (node.kind !== 'namespace') continue;
    const low = Math.min(...used);
    made.find((m) => m.raw === raw && m.port === low)?.end.addresses.push(ip);
  }
  const name = labName !== undefined ? sanitizeLabName(labName) : labNameFromPath(fileName, 'miniedit-lab');
  const draft = withPositions({ version: 1, name, nodes, links });
  const nodeSrc = nodes.map((n) => [...srcPath.entries()].find(([raw]) => byName.get(raw) === n)?.[1]);
  return finishImport(draft, problems, (p) => {
    if (p[0] === 'nodes' && typeof p[1] === 'number') return at(nodeSrc[p[1]] ?? []);
    if (p[0] === 'links' && typeof p[1] === 'number') return at(['links', linkSrc[p[1]] ?? 0]);
    return at([]);
  });
}
