/**
 * CORE (Common Open Research Emulator) XML scenarios → netplumb. Devices of
 * type PC/host become namespaces, routers (router, mdr, prouter, or any
 * device with the IPForward service) become routers; SWITCH and HUB networks
 * become bridges. Links carry interface names, MACs and IPv4/IPv6 addresses;
 * link options (delay, jitter in µs, loss %, bandwidth in bps) become netem.
 * Wireless/EMANE networks, RJ45 and tunnel nodes, services, hooks and
 * container images have no netplumb form and are named in warnings.
 * Reads both the current (`node1`/`iface1`) and the older
 * (`node_one`/`interface_one`) link forms. CORE's legacy IMUNES text
 * (`.imn`) is named as such, with how to save it as XML (core-legacy.ts).
 */
import { isNetnsNode, type Link, type LinkEnd, type Netem, type TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { canonicalCidr, formatIp, networkValue, parseCidr } from '../util/ip';
import { finishImport, type ImportResult } from './import-result';
import { cleanName, isCleanName, labNameFromPath, sanitizeLabName, uniqueIfname } from './import-names';
import { withPositions } from './layout';
import { childNamed, childrenNamed, parseXml, type XmlElement } from './xml';
import { imunesProblem, isImnFileName, isImunesText } from './core-legacy';

const ROUTER_TYPES = new Set(['router', 'mdr', 'prouter']);
const HOST_TYPES = new Set(['PC', 'host', 'pc', 'default']);

/** Reads a CORE scenario. Never throws; problems carry the line of the element they are about. */
export function fromCore(text: string, fileName = 'scenario.xml', labName?: string): ImportResult {
  // CORE's older IMUNES text (.imn) is no XML: one message on what to do, not the XML parser's.
  if (isImunesText(text) || (isImnFileName(fileName) && !text.trimStart().startsWith('<')))
    return { problems: [imunesProblem()] };
  const parsed = parseXml(text);
  if ('error' in parsed) {
    return {
      problems: [
        {
          code: 'xml-syntax',
          severity: 'error',
          message: `not valid XML: ${parsed.error.message}`,
          path: [],
          line: parsed.error.line,
          column: parsed.error.column,
        },
      ],
    };
  }
  const root = parsed.root;
  const problems: Problem[] = [];
  const at = (el: XmlElement) => ({ line: el.line, column: el.column });
  const warn = (message: string, el: XmlElement, code = 'core-dropped') =>
    problems.push({ code, severity: 'warning', message, path: [], ...at(el) });
  if (root.name !== 'scenario') {
    problems.push({
      code: 'core-invalid',
      severity: 'error',
      message: `not a CORE scenario: the document element is <${root.name}>, expected <scenario>`,
      path: [],
      ...at(root),
    });
    return { problems };
  }

  const nodes: TopoNode[] = [];
  const defaultRoute = new Set<string>();
  const byCoreId = new Map<string, { node: TopoNode; el: XmlElement; ifs: number }>();
  const names = new Set<string>();
  const uniqueName = (n: string, el: XmlElement) => {
    const base = cleanName(n).slice(0, 60) || 'node';
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    if (!isCleanName(n) || name !== n)
      warn(
        `"${n}" is called "${name}" in netplumb: names are unique and use letters, digits, "-", "_" and "." only`,
        el,
        'core-renamed',
      );
    return name;
  };
  const position = (el: XmlElement) => {
    const p = childNamed(el, 'position');
    const x = Number(p?.attrs.x);
    const y = Number(p?.attrs.y);
    return p && Number.isFinite(x) && Number.isFinite(y) ? { position: { x, y } } : {};
  };

  for (const dev of childrenNamed(childNamed(root, 'devices'), 'device')) {
    const name = uniqueName(dev.attrs.name ?? `n${dev.attrs.id ?? nodes.length + 1}`, dev);
    const type = dev.attrs.type ?? 'PC';
    const services = [
      ...childrenNamed(childNamed(dev, 'services'), 'service'),
      ...childrenNamed(childNamed(dev, 'configservices'), 'service'),
    ].map((s) => s.attrs.name ?? '');
    const notes: string[] = [];
    const router = ROUTER_TYPES.has(type) || services.includes('IPForward');
    if (!ROUTER_TYPES.has(type) && !HOST_TYPES.has(type))
      warn(`device "${name}" of type "${type}" becomes a plain namespace`, dev, 'core-kind');
    if (dev.attrs.class)
      warn(
        `device "${name}": class "${dev.attrs.class}"${dev.attrs.image ? ` (image ${dev.attrs.image})` : ''} is not run; it becomes a namespace`,
        dev,
        'core-kind',
      );
    if (dev.attrs.image) notes.push(`CORE image: ${dev.attrs.image} (not run by netplumb)`);
    const other = services.filter((s) => s !== 'IPForward' && s !== 'DefaultRoute');
    if (other.length) {
      notes.push(`CORE services: ${other.join(', ')}`);
      warn(
        `device "${name}": services ${other.join(', ')} are not run by netplumb`,
        childNamed(dev, 'services') ?? dev,
      );
    }
    if (services.includes('DefaultRoute')) defaultRoute.add(name);
    const base = {
      id: name,
      name,
      routes: [],
      ...position(dev),
      ...(notes.length ? { notes: notes.join('\n') } : {}),
    };
    const node: TopoNode = router
      ? { ...base, kind: 'router', ipv6Forwarding: true }
      : { ...base, kind: 'namespace' };
    nodes.push(node);
    if (dev.attrs.id !== undefined) byCoreId.set(dev.attrs.id, { node, el: dev, ifs: 0 });
  }
  for (const net of childrenNamed(childNamed(root, 'networks'), 'network')) {
    const type = net.attrs.type ?? '';
    const label = net.attrs.name ?? `net${net.attrs.id}`;
    if (type !== 'SWITCH' && type !== 'HUB') {
      warn(
        `network "${label}" of type ${type || '(none)'} has no netplumb equivalent; it and its links are dropped`,
        net,
      );
      continue;
    }
    if (type === 'HUB')
      warn(`hub "${label}" becomes a bridge (it learns addresses instead of flooding)`, net, 'core-kind');
    const name = uniqueName(label, net);
    const node: TopoNode = {
      id: name,
      name,
      kind: 'bridge',
      stp: false,
      vlanFiltering: false,
      addresses: [],
      ...position(net),
    };
    nodes.push(node);
    if (net.attrs.id !== undefined) byCoreId.set(net.attrs.id, { node, el: net, ifs: 0 });
  }
  for (const key of ['session_hooks', 'mobility_configurations', 'emane_configurations']) {
    const el = childNamed(root, key);
    if (el && el.children.length) warn(`<${key}> is dropped`, el);
  }

  const links: Link[] = [];
  const linkEls: XmlElement[] = [];
  const rootIfnames = new Set<string>();
  for (const l of childrenNamed(childNamed(root, 'links'), 'link')) {
    const ids = [l.attrs.node1 ?? l.attrs.node_one, l.attrs.node2 ?? l.attrs.node_two];
    const ifEls = [
      childNamed(l, 'iface1') ?? childNamed(l, 'interface_one'),
      childNamed(l, 'iface2') ?? childNamed(l, 'interface_two'),
    ];
    const ends = ids.map((id) => (id === undefined ? undefined : byCoreId.get(id)));
    if (ends.some((e) => !e)) {
      // Name the addresses that go with it: they are on no other link.
      const lostAddrs = ifEls.flatMap((el) =>
        el
          ? (['ip4', 'ip6'] as const)
              .filter((f) => el.attrs[f])
              .map((f) => `${el.attrs[f]}/${el.attrs[`${f}_mask`] ?? ''}`)
          : [],
      );
      warn(
        `link ${ids.join('–')} touches a node that is not imported; it is dropped${lostAddrs.length ? ` with its address${lostAddrs.length > 1 ? 'es' : ''} ${lostAddrs.join(', ')}` : ''}`,
        l,
      );
      continue;
    }
    const opts = childNamed(l, 'options');
    const netem: Netem = {};
    const num = (k: string) => Number(opts?.attrs[k] ?? 0);
    if (num('delay') > 0) netem.delayMs = num('delay') / 1000;
    if (num('jitter') > 0) netem.jitterMs = num('jitter') / 1000;
    if (num('loss') > 0) netem.lossPercent = Math.min(100, num('loss'));
    if (num('bandwidth') >= 1000) netem.rateKbit = Math.round(num('bandwidth') / 1000);
    if (num('dup') > 0 || num('buffer') > 0) warn('link options dup/buffer are dropped', opts!);
    if (opts?.attrs.unidirectional === '1')
      warn('a unidirectional link option is applied in both directions', opts);
    const end = (k: 0 | 1): LinkEnd => {
      const e = ends[k]!;
      const ifel = ifEls[k];
      const n = e.ifs++;
      const addresses: string[] = [];
      for (const fam of ['ip4', 'ip6'] as const) {
        const ip = ifel?.attrs[fam];
        if (!ip) continue;
        const cidr = `${ip}/${ifel?.attrs[`${fam}_mask`] ?? (fam === 'ip4' ? 32 : 128)}`;
        if (canonicalCidr(cidr)) addresses.push(cidr);
        else warn(`address ${cidr} is not valid and is dropped`, ifel!);
      }
      if (e.node.kind === 'bridge') {
        if (addresses.length)
          warn(
            `addresses on the ${e.node.name} side of a link are dropped (bridge ports have none)`,
            ifel ?? l,
          );
        return {
          node: e.node.id,
          ifname: uniqueIfname(`${e.node.name}-p${n}`, rootIfnames),
          addresses: [],
          up: true,
          ...(Object.keys(netem).length ? { netem: { ...netem } } : {}),
        };
      }
      const mac = ifel?.attrs.mac?.toLowerCase();
      const raw = ifel?.attrs.name ?? `eth${n}`;
      const ifname = isCleanName(raw) ? raw : cleanName(raw);
      if (ifname !== raw)
        warn(
          `interface "${raw}" of "${e.node.name}" is called "${ifname}": netplumb names use letters, digits, "-", "_" and "." only`,
          ifel ?? l,
          'core-renamed',
        );
      return {
        node: e.node.id,
        ifname,
        addresses,
        up: true,
        ...(mac ? { mac } : {}),
        ...(Object.keys(netem).length ? { netem: { ...netem } } : {}),
      };
    };
    links.push({ id: `link${links.length + 1}`, a: end(0), b: end(1) });
    linkEls.push(l);
  }
  // CORE stores a session's temporary directory as the scenario name: the file and its folder name the lab.
  const name = labName !== undefined ? sanitizeLabName(labName) : labNameFromPath(fileName, 'core-scenario');
  // CORE's DefaultRoute service routes via the first host address of each of the node's subnets
  // (core/services/utility.py: "ip route add default via <min_addr>"); the first one of a family wins.
  for (const n of nodes) {
    if (!defaultRoute.has(n.name) || !isNetnsNode(n)) continue;
    const gw: { ipv4?: string; ipv6?: string } = {};
    for (const e of links.flatMap((l) => [l.a, l.b]).filter((x) => x.node === n.id)) {
      for (const a of e.addresses) {
        const c = parseCidr(a);
        const fam = c?.family === 6 ? 'ipv6' : 'ipv4';
        if (!c || gw[fam] !== undefined || c.prefix >= (c.family === 4 ? 31 : 127)) continue;
        gw[fam] = formatIp({ family: c.family, value: networkValue(c) + 1n });
      }
    }
    if (gw.ipv4 || gw.ipv6) n.gateway = gw;
  }
  const draft = withPositions({ version: 1, name, nodes, links });
  const elOfNode = new Map([...byCoreId.values()].map((v) => [v.node.id, v.el]));
  return finishImport(draft, problems, (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number') {
      const el = elOfNode.get(nodes[path[1]]?.id ?? '');
      if (el) return at(el);
    }
    if (path[0] === 'links' && typeof path[1] === 'number' && linkEls[path[1]]) return at(linkEls[path[1]]);
    return at(root);
  });
}
