/**
 * The "Done when" measure of issue 12 on our own corpus of lab files written
 * in the four tools' patterns (__fixtures__, __golden__ and examples/): the
 * share that imports without error, and the share that loses nothing
 * silently. "Nothing lost" is checked against the source text with rules
 * independent of the importers: every address literal of the lab's files is
 * in the model or named in a warning; every link is in the model or a
 * warning says it is dropped; every machine the tool makes forward is a
 * router (and none that does not).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readKatharaFiles } from '../../electron/cli/kathara-files';
import { isNetnsNode, type Topology } from '../model';
import { canonicalIp } from '../util/ip';
import type { Problem } from '../validate/problem';
import { resolveNode } from './clab-resolve';
import { loadAnyTopologyText } from './index';
import type { ImportResult } from './import-result';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '../..');

interface Case {
  tool: 'clab' | 'kathara' | 'miniedit' | 'core';
  path: string;
  result: ImportResult;
  /** Every file of the lab, as text. */
  texts: string[];
  links: number;
  routers: string[];
  hosts: string[];
}

const files = (dir: string, re: RegExp) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => re.test(f))
        .map((f) => join(dir, f))
    : [];

function clabCase(path: string): Case {
  const text = readFileSync(path, 'utf8');
  const doc = parse(text);
  const routers: string[] = [];
  const hosts: string[] = [];
  for (const [name, raw] of Object.entries(doc.topology.nodes as Record<string, unknown>)) {
    const r = resolveNode(name, raw, doc.topology);
    if (r.kind === 'bridge' || r.kind === 'ovs-bridge' || r.cfg['network-mode'] !== undefined) continue;
    const fwd = [...r.sysctls.map((s) => `${s.key}=${s.value}`), ...r.exec.map((e) => e.text)]
      .filter((l) => l.includes('net.ipv4.ip_forward'))
      .pop();
    (fwd?.endsWith('=1') || fwd?.endsWith(' 1') ? routers : hosts).push(name);
  }
  return {
    tool: 'clab',
    path,
    result: loadAnyTopologyText(text, path),
    texts: [text],
    links: (doc.topology.links ?? []).length,
    routers,
    hosts,
  };
}

function katharaCase(dir: string): Case {
  const conf = readFileSync(join(dir, 'lab.conf'), 'utf8');
  const extra = readKatharaFiles(dir, conf);
  const result = loadAnyTopologyText(conf, join(dir, 'lab.conf'), extra);
  const machines = [...new Set([...conf.matchAll(/^([a-z0-9_]+)\[/gm)].map((m) => m[1]))];
  // Kathará machines forward unless their own lines turn it off.
  const off = (m: string) =>
    /ip_forward\s*=\s*0/.test(
      [
        conf
          .split('\n')
          .filter((l) => l.startsWith(`${m}[`))
          .join('\n'),
        extra.startups[m] ?? '',
        extra.startups.shared ?? '',
      ].join('\n'),
    );
  const texts = [conf, ...Object.values(extra.startups), extra.labExt ?? ''];
  return {
    tool: 'kathara',
    path: join(dir, 'lab.conf'),
    result,
    texts,
    links: conf.split('\n').filter((l) => /^[a-z0-9_]+\[\d+\]=/.test(l.trim())).length,
    routers: machines.filter((m) => !off(m)),
    hosts: machines.filter(off),
  };
}

function mineditCase(path: string): Case {
  const text = readFileSync(path, 'utf8');
  const doc = JSON.parse(text);
  const switches = doc.switches as { opts: { hostname: string; switchType?: string } }[];
  return {
    tool: 'miniedit',
    path,
    result: loadAnyTopologyText(text, path),
    // ipBase is a numbering base, not an address of the lab
    texts: [text.replace(/"ipBase":\s*"[^"]*"/, '')],
    links: doc.links.length,
    routers: switches.filter((s) => s.opts.switchType === 'legacyRouter').map((s) => s.opts.hostname),
    hosts: (doc.hosts as { opts: { hostname: string } }[]).map((h) =>
      h.opts.hostname.replace(/[^A-Za-z0-9_.-]/g, '_'),
    ),
  };
}

function coreCase(path: string): Case {
  const text = readFileSync(path, 'utf8');
  const devices = [...text.matchAll(/<device\b([^>]*)>([\s\S]*?)<\/device>|<device\b([^>]*)\/>/g)].map(
    (m) => ({ attrs: m[1] ?? m[3], body: m[2] ?? '' }),
  );
  const attr = (a: string, k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(a)?.[1];
  const isRouter = (d: { attrs: string; body: string }) =>
    ['router', 'mdr', 'prouter'].includes(attr(d.attrs, 'type') ?? '') || d.body.includes('"IPForward"');
  const kept = devices.filter((d) => attr(d.attrs, 'type') !== 'rj45');
  return {
    tool: 'core',
    path,
    result: loadAnyTopologyText(text, path),
    texts: [text.replace(/<!--[\s\S]*?-->/g, '')],
    links: (text.match(/<link\b/g) ?? []).length,
    routers: kept.filter(isRouter).map((d) => attr(d.attrs, 'name')!),
    hosts: kept.filter((d) => !isRouter(d)).map((d) => attr(d.attrs, 'name')!),
  };
}

function corpus(): Case[] {
  const fx = join(HERE, '__fixtures__');
  const gold = join(HERE, '__golden__');
  const kdirs = [
    ...readdirSync(join(fx, 'kathara')).map((d) => join(fx, 'kathara', d)),
    join(gold, 'kathara', 'office'),
  ].filter((d) => statSync(d).isDirectory());
  return [
    ...[
      ...files(join(fx, 'clab'), /\.clab\.yml$/).filter((f) => !/[\\/]template[^\\/]*\.clab\.yml$/.test(f)),
      ...files(join(gold, 'clab-import'), /\.clab\.yml$/),
      join(ROOT, 'examples', 'containerlab-bridge.clab.yml'),
    ].map(clabCase),
    ...kdirs.map(katharaCase),
    ...[...files(join(fx, 'miniedit'), /\.mn$/), join(gold, 'miniedit', 'office.mn')].map(mineditCase),
    ...[...files(join(fx, 'core'), /\.xml$/), join(gold, 'core', 'office.xml')].map(coreCase),
  ];
}

const IPV4 = /(?<![\w.:])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])/g;
const IPV6 =
  /(?<![\w:])((?:[0-9a-f]{1,4}:){1,7}:?(?:[0-9a-f]{1,4})?(?::[0-9a-f]{1,4})*)(?=\/\d|[\s"'\],]|$)/gi;

/** Address literals of the lab's files (comments, netmasks, loopback and MACs left out). */
function addressLiterals(texts: string[]): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    const body = t
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    for (const m of body.matchAll(IPV4))
      if (!/^(255|0|127)\./.test(m[1]) && canonicalIp(m[1])) out.add(canonicalIp(m[1])!);
    for (const m of body.matchAll(IPV6))
      if (m[1].includes('::') || m[1].split(':').length === 8)
        if (canonicalIp(m[1])) out.add(canonicalIp(m[1])!);
  }
  return [...out];
}

/** Addresses the model holds: interface and bridge addresses, routes, gateways. */
function modelAddresses(t: Topology): Set<string> {
  const out = new Set<string>();
  const add = (s: string | undefined) =>
    s && canonicalIp(s.split('/')[0]) && out.add(canonicalIp(s.split('/')[0])!);
  for (const e of t.links.flatMap((l) => [l.a, l.b])) e.addresses.forEach(add);
  for (const n of t.nodes) {
    if (n.kind === 'bridge') n.addresses.forEach(add);
    if (!isNetnsNode(n)) continue;
    for (const r of n.routes) {
      add(r.to);
      add(r.via);
    }
    add(n.gateway?.ipv4);
    add(n.gateway?.ipv6);
  }
  return out;
}

/** What a case loses without a warning (empty when nothing). */
function silentLosses(c: Case): string[] {
  const t = c.result.topology;
  if (!t) return ['no topology'];
  const warned = c.result.problems.map((p: Problem) => `${p.message} `).join('\n');
  const have = modelAddresses(t);
  const lost: string[] = [];
  for (const a of addressLiterals(c.texts))
    if (!have.has(a) && !warned.includes(a)) lost.push(`address ${a}`);
  const dropWarnings = c.result.problems.filter((p) => /link/i.test(p.message) && /dropped/.test(p.message));
  const coreNetDrops = c.tool === 'core' ? (c.texts[0].match(/<link\b/g) ?? []).length - t.links.length : 0;
  if (
    t.links.length + dropWarnings.length < c.links &&
    !(c.tool === 'core' && coreNetDrops > 0 && dropWarnings.length > 0)
  )
    lost.push(
      `links: ${c.links} in the file, ${t.links.length} imported, ${dropWarnings.length} named as dropped`,
    );
  const kindOf = new Map(
    t.nodes
      .map((n) => [n.label ?? n.name, n.kind] as const)
      .concat(t.nodes.map((n) => [n.name, n.kind] as const)),
  );
  for (const r of c.routers)
    if (kindOf.get(r) !== 'router' && !warned.includes(`"${r}"`)) lost.push(`forwarding of ${r}`);
  for (const h of c.hosts) if (kindOf.get(h) === 'router') lost.push(`${h} forwards but should not`);
  return lost;
}

describe("issue 12 corpus: other tools' lab files import faithfully", () => {
  const cases = corpus();

  it('has at least 20 files across the four tools', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    for (const tool of ['clab', 'kathara', 'miniedit', 'core'])
      expect(cases.filter((c) => c.tool === tool).length).toBeGreaterThanOrEqual(3);
  });

  it('every file imports without error and loses nothing without a located warning', () => {
    const rows = cases.map((c) => ({
      file: relative(ROOT, c.path),
      errors: c.result.problems.filter((p) => p.severity === 'error').map((p) => p.message),
      silent: silentLosses(c),
      unlocated: c.result.problems.filter((p) => !(p.line && p.line >= 1)).map((p) => p.message),
    }));
    const ok = rows.filter((r) => r.errors.length === 0).length;
    const faithful = rows.filter((r) => r.errors.length === 0 && r.silent.length === 0).length;
    console.log(
      `corpus: ${rows.length} files; ${ok}/${rows.length} import without error; ${faithful}/${rows.length} with nothing lost silently`,
    );
    expect(rows.filter((r) => r.errors.length || r.silent.length || r.unlocated.length)).toEqual([]);
  });

  it('two imported files never share a lab name', () => {
    const names = cases.map((c) => c.result.topology?.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
