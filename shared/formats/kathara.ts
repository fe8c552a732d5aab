/**
 * Kathará (and Netkit) labs → netplumb, with Kathará's own semantics
 * (Kathara/manager/docker/DockerMachine.py): every machine starts with IPv4
 * forwarding on (and IPv6 forwarding when its `ipv6` option is on), then its
 * lab.conf `sysctl` options apply, then `shared.startup`, `<machine>.startup`
 * and the `exec` options run, in that order. So a machine is a router unless
 * something turns forwarding off. Each collision domain becomes a bridge,
 * interface N of a machine is ethN. Startup lines of the known iproute2 /
 * ifconfig / route / sysctl forms become addresses, routes and settings, and
 * a bridge they make inside a machine (`ip link add … type bridge`, brctl)
 * becomes a bridge node in its namespace with those ethN as its ports (and
 * the ports' VLANs of `bridge vlan` lines); a machine's
 * `etc/network/interfaces` (ifupdown) is read where a line brings it up
 * (see `withIfupdown` in kathara-ifupdown.ts); every other line, lab.ext's
 * external links and machine folders (daemon configuration such as FRR's)
 * are named in a warning at their own file:line, with file names relative
 * to the lab folder.
 *
 * What an import of a large lab costs is bounded: the lab's files may hold
 * MAX_LAB_BYTES in all (shared.startup counted once per machine, as Kathará
 * runs it on each), over which the import is one located error; warnings of
 * one kind from one file stop after WARNINGS_LISTED, with one more saying how
 * many were left out; and a machine's notes keep its first NOTE_LINES lines,
 * each of at most QUOTED_CHARS characters. A 7 MB startup file of 900,000
 * lines netplumb does not read took 22 s and 1.5 GB to import, printed
 * 900,000 warnings and wrote a 14 MB file netplumb itself then refused.
 */
import type { BridgeNode, Link, NetnsNode, TopoNode } from '../model';
import type { Problem } from '../validate/problem';
import { endFrom, interpretLines, keepRoutesOnLinks, netnsNodeFrom, type NodeConfig } from './exec-config';
import { finishImport, type ImportResult } from './import-result';
import { idMaker, labNameFromPath, sanitizeLabName, uniqueIfname } from './import-names';
import { parseLabConf, parseLabExt } from './kathara-conf';
import { INTERFACES, withIfupdown, type SourceLine } from './kathara-ifupdown';
import { withPositions } from './layout';
import { modernize, modernizeLines } from './netkit-lines';
import { splitShellList } from './shell-lists';

export { sanitizeLabName, uniqueIfname } from './import-names';

/** Inputs besides lab.conf. */
export interface KatharaOptions {
  /** Texts of `<machine>.startup` files, keyed by machine name; `shared` is shared.startup (run on every machine). */
  startups?: Record<string, string>;
  /** Text of lab.ext (external links), when the lab has one. */
  labExt?: string;
  /** Files in the lab's machine folders (`r1/etc/frr/frr.conf` → key "r1", value "etc/frr/frr.conf"); `shared` for the shared folder. */
  machineFiles?: Record<string, string[]>;
  /**
   * Texts of machine-folder files the importer reads, keyed by machine and
   * then by path in its folder: today `etc/network/interfaces`.
   */
  machineTexts?: Record<string, Record<string, string>>;
  /** Path of lab.conf; the lab is named after its folder. */
  fileName?: string;
  /** Lab name to use instead (already chosen by the caller). */
  labName?: string;
  /** Problems found while reading the lab's files (a file not read: a link out of the lab folder), located. */
  problems?: Problem[];
}

/** The most a lab's files may hold in all: 8 MiB, the most netplumb reads of one file. */
export const MAX_LAB_BYTES = 8 * 1024 * 1024;
/** Warnings of one kind (code) from one file that are listed before one that counts the rest. */
export const WARNINGS_LISTED = 20;
/** Lines of a machine's notes that are kept; one more line counts the rest. */
export const NOTE_LINES = 200;
/** The most characters of a lab's line quoted in a warning or a note. */
export const QUOTED_CHARS = 200;

/** The bytes of `text` in UTF-8, counted without encoding it. */
function utf8Bytes(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++; // a surrogate pair: 4 bytes for its 2 units
      n += 2;
    } else n += 2; // 3 bytes (a lone surrogate too: it is written as U+FFFD)
  }
  return n;
}

/** What a lab's files hold, as an import counts it. */
export interface LabSize {
  /** Bytes in all. */
  total: number;
  /** The file that adds the most (`lab.conf`, `shared.startup`, `pc1.startup`, `r1/etc/network/interfaces`). */
  largest: string;
  /** Each file's bytes and how many times they count (shared.startup: once per machine), largest share first. */
  parts: { file: string; bytes: number; times: number }[];
}

/**
 * The size of a lab as an import counts it: lab.conf, each startup file
 * (shared.startup once per machine of lab.conf, as Kathará runs it on each)
 * and the other files read (lab.ext, interfaces files), in bytes.
 */
export function labSize(lab: {
  labConf: number;
  machines: number;
  /** Bytes of each startup file, by machine (`shared` for shared.startup). */
  startups: Record<string, number>;
  /** Bytes of each other file read, by its name in the lab folder. */
  others: Record<string, number>;
}): LabSize {
  const parts = [
    { file: 'lab.conf', bytes: lab.labConf, times: 1 },
    ...Object.entries(lab.startups).map(([m, bytes]) => ({
      file: `${m}.startup`,
      bytes,
      times: m === 'shared' ? Math.max(1, lab.machines) : 1,
    })),
    ...Object.entries(lab.others).map(([file, bytes]) => ({ file, bytes, times: 1 })),
  ].sort((a, b) => b.bytes * b.times - a.bytes * a.times);
  return { total: parts.reduce((n, p) => n + p.bytes * p.times, 0), largest: parts[0].file, parts };
}

/** Megabytes, in words: 33.6 MB. */
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Why a lab of `size` (over MAX_LAB_BYTES) is not imported, naming the files that hold the most. */
export function labTooLarge(size: LabSize): string {
  // The few files that make most of it; one of under a hundredth of the whole is not worth naming.
  const top = size.parts
    .filter((p, i) => i === 0 || p.bytes * p.times * 100 >= size.total)
    .slice(0, 3)
    .map((p) =>
      p.times > 1
        ? `${p.file} ${mb(p.bytes)} run on ${p.times} machines (${mb(p.bytes * p.times)})`
        : `${p.file} ${mb(p.bytes)}`,
    );
  // lab.conf, always there, is named only when it holds much.
  const rest = size.parts.filter((p, i) => i >= top.length && p.file !== 'lab.conf').length;
  return `the lab's files hold ${mb(size.total)}, more than netplumb imports from one lab (${MAX_LAB_BYTES / 1048576} MB): ${top.join(', ')}${rest > 0 ? ` and ${rest} more file${rest > 1 ? 's' : ''}` : ''}; nothing was imported`;
}

/** Characters of a word that the shell reads as themselves (no quote, escape, operator, comment or expansion). */
const PLAIN_WORDS = /^[ \t\r]*[\w./:=,+@%^~-]+(?:[ \t]+[\w./:=,+@%^~-]+)*[ \t\r]*$/;
/**
 * The shell's reserved words (as shell-lists.ts reads them, and a few more):
 * one of them anywhere in a line of plain words may change how the words
 * after it are read (`ip while done` does not parse), so such a line is left
 * to the shell's reading.
 */
const SHELL_RESERVED =
  /(?:^|[ \t\r])(?:if|then|else|elif|fi|while|until|for|do|done|case|esac|select|time|in|function)(?=[ \t\r]|$)/;

/**
 * The commands of one line of a startup file, as `splitShellList` finds
 * them (the line itself when it does not parse). A line of plain words
 * without a reserved word is one simple command, without its blanks around:
 * it is taken as that without the shell's reading, which cost seconds on a
 * file of 900,000 lines.
 */
export function commandsOf(line: string): string[] {
  if (PLAIN_WORDS.test(line) && !SHELL_RESERVED.test(line)) return [line.replace(/^[ \t\r]+|[ \t\r]+$/g, '')];
  if (/^[ \t\r]*$/.test(line)) return [];
  return splitShellList(line) ?? [line];
}

/** A line of the lab as quoted in a warning or a note: at most QUOTED_CHARS characters. */
function quoted(line: string): string {
  return line.length > QUOTED_CHARS
    ? `${line.slice(0, QUOTED_CHARS)}… (${line.length.toLocaleString('en-US')} characters)`
    : line;
}

/** Codes of warnings about lines that are not imported, counted as lines when past WARNINGS_LISTED. */
const LINE_CODES = new Set([
  'kathara-dropped',
  'kathara-startup',
  'kathara-ifupdown',
  'import-route-dropped',
]);

/**
 * The problems of an import, with at most WARNINGS_LISTED of one severity
 * and code from one file: past them, one problem of the same kind, at the
 * first one left out, says how many more there are.
 */
function cappedProblems(mainFile: string) {
  const list: Problem[] = [];
  type Kind = { n: number; more?: Problem };
  /** Each kind's count, by file, then code, then severity (no key is built per problem). */
  const kinds = new Map<string, Map<string, Partial<Record<Problem['severity'], Kind>>>>();
  const all: Kind[] = [];
  /** Counts a problem of this kind; true when it is to be listed, else it is counted in the kind's summary. */
  const take = (
    severity: Problem['severity'],
    code: string,
    file: string | undefined,
    line = 1,
    column = 1,
  ) => {
    let byCode = kinds.get(file ?? '');
    if (!byCode) kinds.set(file ?? '', (byCode = new Map()));
    let bySeverity = byCode.get(code);
    if (!bySeverity) byCode.set(code, (bySeverity = {}));
    let kind = bySeverity[severity];
    if (!kind) all.push((kind = bySeverity[severity] = { n: 0 }));
    if (++kind.n <= WARNINGS_LISTED) return true;
    if (!kind.more)
      list.push(
        (kind.more = {
          code,
          severity,
          message: '',
          path: [],
          line,
          column,
          ...(file !== undefined ? { file } : {}),
        }),
      );
    return false;
  };
  return {
    take,
    /** Lists `p`, which `take` let through. */
    push(p: Problem) {
      list.push(p);
    },
    /** Lists `p`, or counts it when WARNINGS_LISTED of its kind are listed. */
    add(p: Problem) {
      if (take(p.severity, p.code, p.file, p.line, p.column)) list.push(p);
    },
    /** The problems, each count said. */
    done(): Problem[] {
      for (const kind of all) {
        if (!kind.more) continue;
        const p = kind.more;
        const n = (kind.n - WARNINGS_LISTED).toLocaleString('en-US');
        p.message = LINE_CODES.has(p.code)
          ? `and ${n} more lines like it in ${p.file ?? mainFile}, not imported`
          : `and ${n} more ${p.severity}s like it in ${p.file ?? mainFile}`;
      }
      return list;
    },
  };
}

/**
 * Whether a line's text was said before, by scope (a file), line number and
 * text: a line of shared.startup is said once, not once per machine, and so
 * is a command a line holds twice. No key is built per line (a Set of such
 * keys cost most of the time of a file of 900,000 lines).
 */
function saidBefore() {
  // By line number in an array: line numbers count up from 1, and a Map of millions of them cost seconds.
  const scopes = new Map<string, (string | Set<string> | undefined)[]>();
  return (scope: string, line: number, text: string): boolean => {
    let lines = scopes.get(scope);
    if (!lines) scopes.set(scope, (lines = []));
    const said = lines[line];
    if (said === undefined) lines[line] = text;
    else if (typeof said === 'string') {
      if (said === text) return true;
      lines[line] = new Set([said, text]);
    } else {
      if (said.has(text)) return true;
      said.add(text);
    }
    return false;
  };
}

/** Options that only shape terminals or keep their default, read without a word. */
const QUIET = new Set(['num_terms', 'shell']);
const TRUE = /^(1|y|yes|t|true|on)$/i;

/**
 * The first line that names each device after `dev` or `ifconfig` (what
 * `/(dev|ifconfig)\s+NAME(\s|$)/` finds), indexed in one pass over the lines:
 * a search per interface was quadratic on a long file.
 */
function devLines(lines: readonly SourceLine[]): Map<string, SourceLine> {
  const first = new Map<string, SourceLine>();
  const blank = /\s/;
  for (const l of lines) {
    const t = l.text;
    for (const word of ['dev', 'ifconfig'])
      for (let at = t.indexOf(word); at >= 0; at = t.indexOf(word, at + 1)) {
        let i = at + word.length;
        const gap = i;
        while (i < t.length && blank.test(t[i])) i++;
        if (i === gap) continue;
        const start = i;
        while (i < t.length && !blank.test(t[i])) i++;
        const name = t.slice(start, i);
        if (name && !first.has(name)) first.set(name, l);
      }
  }
  return first;
}

/**
 * `record[key]` when `record` has it as its own property: the records are keyed by machine and
 * file names from the lab, and `constructor` or `__proto__` would otherwise find Object's members.
 */
function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The lab's description, with the rest of lab.conf's LAB_* lines (version, author, e-mail, web) after it. */
function labDescription(meta: Record<string, string>): string | undefined {
  const words: Record<string, string> = {
    LAB_VERSION: 'version',
    LAB_AUTHOR: 'by',
    LAB_EMAIL: 'e-mail',
    LAB_WEB: 'web',
  };
  const rest = Object.entries(meta)
    .filter(([k, v]) => k !== 'LAB_NAME' && k !== 'LAB_DESCRIPTION' && v.trim() !== '')
    .map(([k, v]) => `${words[k] ?? k.replace(/^LAB_/, '').toLowerCase()} ${v.trim()}`);
  const parts = [meta.LAB_DESCRIPTION?.trim(), rest.length ? `(Kathará lab: ${rest.join('; ')})` : ''].filter(
    Boolean,
  );
  return parts.length ? parts.join(' ') : undefined;
}

/** Reads a Kathará lab. Never throws; problems carry the line and (for other files than lab.conf) the file. */
export function fromKathara(labConf: string, opts: KatharaOptions = {}): ImportResult {
  const parsed = parseLabConf(labConf);
  const mainFile = opts.fileName?.split(/[\\/]/).pop() || 'lab.conf';
  const problems = cappedProblems(mainFile);
  for (const p of [...(opts.problems ?? []), ...parsed.problems]) problems.add(p);
  const { conf } = parsed;
  if (conf.machines.size === 0) return { problems: problems.done() };
  // A lab over the limit is one error, and nothing else is done.
  const size = labSize({
    labConf: utf8Bytes(labConf),
    machines: conf.machines.size,
    startups: Object.fromEntries(Object.entries(opts.startups ?? {}).map(([m, t]) => [m, utf8Bytes(t)])),
    others: Object.fromEntries([
      ...Object.entries(opts.machineTexts ?? {}).flatMap(([m, files]) =>
        Object.entries(files).map(([f, t]) => [`${m}/${f}`, utf8Bytes(t)]),
      ),
      ...(opts.labExt !== undefined ? [['lab.ext', utf8Bytes(opts.labExt)]] : []),
    ]),
  });
  if (size.total > MAX_LAB_BYTES)
    return {
      problems: [
        {
          code: 'kathara-too-large',
          severity: 'error',
          message: labTooLarge(size),
          path: [],
          line: 1,
          column: 1,
          ...(size.largest !== 'lab.conf' ? { file: size.largest } : {}),
        },
      ],
    };
  // The message is made only for a warning that is listed (past WARNINGS_LISTED of its kind, it is counted).
  const warn = (message: string | (() => string), line: number, file?: string, code = 'kathara-dropped') => {
    if (problems.take('warning', code, file || undefined, line))
      problems.push({
        code,
        severity: 'warning',
        message: typeof message === 'string' ? message : message(),
        path: [],
        line,
        column: 1,
        ...(file ? { file } : {}),
      });
  };
  const said = saidBefore();
  /** `warn`, unless the same text of the same line (of `scope`) was said. */
  const warnOnce = (
    scope: string,
    text: string,
    message: () => string,
    line: number,
    file?: string,
    code?: string,
  ) => {
    if (!said(scope, line, text)) warn(message, line, file, code);
  };
  // A startup file is a shell script: a line may hold several commands (`a; b`, `a && b`), each read alone.
  const linesOf = (text: string | undefined, file: string): SourceLine[] => {
    const out: SourceLine[] = [];
    if (text === undefined) return out;
    const all = text.split(/\r?\n/);
    for (let i = 0; i < all.length; i++)
      for (const c of commandsOf(all[i]))
        for (const m of modernizeLines(c)) out.push({ text: m, file, line: i + 1 });
    return out;
  };
  const shared = linesOf(ownValue(opts.startups, 'shared'), 'shared.startup');

  const nodes: TopoNode[] = [];
  const links: Link[] = [];
  /** Where each machine's routes, gateways and sysctls were written, by node id. */
  const sourceOf = new Map<
    string,
    { routes: SourceLine[]; sysctls: Record<string, SourceLine>; gateway: Record<string, SourceLine> }
  >();
  const rootIfnames = new Set<string>();
  const uniqueId = idMaker();
  const bridgeId = new Map<string, string>();
  /** The machine each bridge made by startup lines lives in, by the bridge's node id. */
  const bridgeOwner = new Map<string, string>();
  /** The line that made each such bridge, by its node id (problems about it are placed there). */
  const bridgeLine = new Map<string, SourceLine>();
  /** The first `bridge vlan` line of each port with VLANs, by link id (problems about its VLANs are placed there). */
  const vlansLine = new Map<string, SourceLine>();
  /**
   * The bridges a machine's lines make inside it (`ip link add NAME type
   * bridge`, `brctl addbr`), as bridge nodes in its namespace: their STP and,
   * from the lines about NAME, addresses, MTU and MAC. A bridge the lines never
   * bring up is said: Kathará leaves it down, netplumb brings every bridge up.
   */
  const innerBridges = (machine: string, nsId: string, cfg: NodeConfig, lines: SourceLine[]) => {
    const ids = new Map<string, string>();
    const made: BridgeNode[] = [];
    for (const [br, b] of cfg.bridges) {
      const src = lines[b.index];
      const bid = uniqueId(`${machine}-${br}`);
      bridgeLine.set(bid, src);
      ids.set(br, bid);
      const own = cfg.ifaces.get(br);
      made.push({
        id: bid,
        name: br,
        kind: 'bridge',
        namespace: nsId,
        label: `${br} in ${machine}`,
        stp: b.stp,
        vlanFiltering: b.vlanFiltering,
        addresses: own ? [...own.addresses] : [],
        ...(own?.mtu !== undefined ? { mtu: own.mtu } : {}),
        ...(own?.mac !== undefined ? { mac: own.mac } : {}),
      });
      if (own?.up !== true) {
        warn(
          `machine "${machine}": bridge ${br} is never brought up by its lines (\`ip link set dev ${br} up\`), so in Kathará it forwards nothing; netplumb brings every bridge up`,
          src.line,
          src.file,
          'kathara-startup',
        );
      }
    }
    return { ids, nodes: made };
  };
  for (const cd of conf.domains) {
    const id = uniqueId(`cd-${cd}`);
    bridgeId.set(cd, id);
    nodes.push({
      id,
      name: uniqueIfname(`cd-${cd}`, rootIfnames),
      label: `collision domain ${cd}`,
      kind: 'bridge',
      stp: false,
      vlanFiltering: false,
      addresses: [],
    });
  }
  for (const [name, mc] of conf.machines) {
    const defaults: Record<string, number> = { 'net.ipv4.ip_forward': 1 };
    const optSysctls: SourceLine[] = [];
    const execs: SourceLine[] = [];
    let image: string | undefined;
    for (const { key, value, line } of mc.options) {
      if (key === 'image') image = value;
      else if (key === 'ipv6') {
        if (TRUE.test(value)) defaults['net.ipv6.conf.all.forwarding'] = 1;
      } else if (key === 'sysctl')
        optSysctls.push(
          ...value
            .split(/\s*,\s*|\s+/)
            .filter(Boolean)
            .map((s) => ({ text: `sysctl -w ${s}`, line })),
        );
      else if (key === 'exec') execs.push({ text: modernize(value), line });
      else if ((key === 'bridged' || key === 'privileged') && !TRUE.test(value)) continue;
      else if (!QUIET.has(key)) {
        const why =
          key === 'bridged'
            ? ' (Kathará connects the machine to the host network; netplumb keeps labs off the host network)'
            : '';
        warn(
          `machine "${name}": option ${key}="${value}" has no netplumb equivalent and is dropped${why}`,
          line,
        );
      }
    }
    const own = linesOf(ownValue(opts.startups, name), `${name}.startup`);
    // Kathará's run order: sysctl options at creation, then shared.startup, <machine>.startup, exec options.
    const ifup = withIfupdown(
      name,
      [...optSysctls, ...shared, ...own, ...execs],
      ownValue(ownValue(opts.machineTexts, name), INTERFACES),
      ownValue(opts.machineFiles, name)?.includes(INTERFACES) ?? false,
    );
    const lines = ifup.lines;
    for (const n of ifup.notes)
      warnOnce(
        `${n.file}|${name}`,
        n.text,
        () =>
          n.whole
            ? `machine "${name}": ${n.file} is not imported: ${n.why}`
            : `machine "${name}": "${quoted(n.text)}" is not imported (${n.why})`,
        n.line,
        n.file,
        n.file?.endsWith(INTERFACES) ? 'kathara-ifupdown' : 'kathara-startup',
      );
    const connected = new Set([...mc.ifaces.keys()].map((n) => `eth${n}`));
    const cfg = interpretLines(
      lines.map((l) => l.text),
      connected,
    );
    cfg.sysctls = { ...defaults, ...cfg.sysctls };
    // Routes leave through the machine's own interfaces and the bridges its lines make, never through a port.
    keepRoutesOnLinks(
      cfg,
      new Set([...[...connected].filter((i) => !cfg.masters.has(i)), ...cfg.bridges.keys()]),
    );
    // The machine's notes: its first NOTE_LINES lines, then how many more there were.
    const notes: string[] = [];
    let notesLeft = 0;
    const note = (line: string) => {
      if (notes.length < NOTE_LINES) notes.push(line);
      else notesLeft++;
    };
    for (const n of ifup.notes)
      if (n.file !== 'shared.startup')
        note(`${n.file ?? 'lab.conf'}: ${n.whole ? 'not applied' : quoted(n.text)}`);
    for (const u of cfg.unsupported) {
      const src = lines[u.index];
      const from = src.file === undefined ? 'lab.conf' : src.file.endsWith('.startup') ? 'startup' : src.file;
      if (src.file !== 'shared.startup') note(`${from}: ${quoted(u.line)}`);
      const code = src.file ? 'kathara-startup' : 'kathara-dropped';
      // A line of shared.startup runs on every machine: said once (per command of the line).
      warnOnce(
        src.file ?? '',
        u.line,
        () =>
          `${src.file === 'shared.startup' ? 'every machine' : `machine "${name}"`}: ${
            src.file ? `"${quoted(u.line)}"` : `option ${quoted(u.line.replace(/^sysctl -w /, 'sysctl='))}`
          } is not imported (${u.why})`,
        src.line,
        src.file,
        code,
      );
    }
    const id = uniqueId(name);
    const node: NetnsNode = netnsNodeFrom(id, name, cfg);
    sourceOf.set(id, {
      routes: cfg.routeLines.map((r) => lines[r.index]),
      sysctls: Object.fromEntries(Object.entries(cfg.sysctlLines).map(([k, i]) => [k, lines[i]])),
      gateway: Object.fromEntries(Object.entries(cfg.gatewayLines).map(([k, i]) => [k, lines[i]])),
    });
    if (image) node.origin = { kind: 'kathara', image };
    nodes.push(node);
    const inner = innerBridges(name, id, cfg, lines);
    nodes.push(...inner.nodes);
    for (const bid of inner.ids.values()) bridgeOwner.set(bid, name);
    for (const [dev, m] of cfg.masters) {
      if (connected.has(dev)) continue;
      const src = lines[m.index];
      warn(
        `machine "${name}": ${dev} is made a port of bridge ${m.bridge}, but lab.conf does not connect ${dev} to a collision domain; the port is dropped`,
        src.line,
        src.file,
        'kathara-startup',
      );
    }
    for (const [n, { cd, mac }] of [...mc.ifaces].sort((a, b) => a[0] - b[0])) {
      const ifname = `eth${n}`;
      const master = cfg.masters.get(ifname);
      const own = cfg.ifaces.get(ifname);
      if (master && own?.addresses.length) {
        const src = lines[master.index];
        warn(
          `machine "${name}": address${own.addresses.length > 1 ? 'es' : ''} ${own.addresses.join(', ')} of ${ifname} dropped: ${ifname} is a port of bridge ${master.bridge}, so what arrives on it goes to the bridge, not to the port's own addresses (give the address to ${master.bridge})`,
          src.line,
          src.file,
          'kathara-startup',
        );
      }
      // A port of a bridge the lines make: its link ends on that bridge, inside the machine.
      const end = master
        ? endFrom(inner.ids.get(master.bridge)!, ifname, own && { ...own, addresses: [] })
        : endFrom(id, ifname, own);
      // lab.conf's MAC is the interface's at creation; a line that sets one later wins.
      if (mac && own?.mac === undefined) end.mac = mac;
      const port = endFrom(bridgeId.get(cd)!, uniqueIfname(`${name}-${ifname}`, rootIfnames));
      links.push({ id: `${id}-${ifname}`, a: end, b: port });
      if (end.vlans && own?.vlansLine !== undefined) vlansLine.set(`${id}-${ifname}`, lines[own.vlansLine]);
    }
    let firstLineNaming: Map<string, SourceLine> | undefined;
    for (const [ifname, iface] of cfg.ifaces) {
      if (/^eth\d+$/.test(ifname) && mc.ifaces.has(Number(ifname.slice(3)))) continue;
      if (cfg.bridges.has(ifname)) continue; // the bridge node has its settings
      if (iface.addresses.length === 0 && iface.mtu === undefined && iface.mac === undefined) continue;
      const src = (firstLineNaming ??= devLines(lines)).get(ifname) ?? { line: 1, file: `${name}.startup` };
      const what = iface.addresses.length
        ? `address${iface.addresses.length > 1 ? 'es' : ''} ${iface.addresses.join(', ')}`
        : 'settings';
      note(`interface ${ifname} (not in lab.conf): ${what}`);
      const loopback = /^lo(:|$)/.test(ifname);
      warn(
        loopback
          ? `machine "${name}": ${what} of the loopback interface "${ifname}" dropped: netplumb does not configure the loopback interface of a node (give the address to one of its links instead)`
          : `machine "${name}": ${what} of interface "${ifname}" dropped: lab.conf does not connect ${ifname} to a collision domain`,
        src.line,
        src.file,
        'kathara-startup',
      );
    }
    if (notesLeft > 0) notes.push(`… ${notesLeft.toLocaleString('en-US')} more lines`);
    if (notes.length) node.notes = notes.join('\n');
  }
  for (const name of Object.keys(opts.startups ?? {})) {
    if (name !== 'shared' && !conf.machines.has(name))
      warn(`${name}.startup belongs to no machine in lab.conf and is ignored`, 1, `${name}.startup`);
  }
  if (opts.labExt !== undefined) {
    const ext = parseLabExt(opts.labExt);
    for (const p of ext.problems) problems.add(p);
    for (const e of ext.ext) {
      warn(
        `collision domain "${e.cd}" is joined to the host's interface ${e.iface}${e.vlan !== undefined ? ` (VLAN ${e.vlan})` : ''} in Kathará; netplumb does not attach lab bridges to host interfaces, so this external link is dropped`,
        e.line,
        'lab.ext',
      );
    }
  }
  for (const [folder, all] of Object.entries(opts.machineFiles ?? {})) {
    // An interfaces file that was read is said on its own (applied or not), above.
    const files = all.filter(
      (f) => !(f === INTERFACES && ownValue(ownValue(opts.machineTexts, folder), f) !== undefined),
    );
    if (files.length === 0) continue;
    const who = folder === 'shared' ? 'every machine' : `machine "${folder}"`;
    const list = files.slice(0, 3).join(', ') + (files.length > 3 ? `, and ${files.length - 3} more` : '');
    warn(
      `${who}: Kathará copies the files of ${folder}/ into it (${list}); netplumb runs no daemons, so the routes or services they configure (e.g. FRR, bind) are not imported`,
      1,
      `${folder}/${files[0]}`,
    );
  }
  // lab.conf has no drawing: lay the lab out so it opens readably on the canvas.
  const name =
    opts.labName !== undefined
      ? sanitizeLabName(opts.labName)
      : labNameFromPath(opts.fileName, conf.meta.LAB_NAME ?? 'kathara-lab');
  const description = labDescription(conf.meta);
  const draft = withPositions({ version: 1, name, ...(description ? { description } : {}), nodes, links });
  const lineOfNode = nodes.map((n) => (n.kind === 'bridge' ? undefined : conf.machines.get(n.name)?.line));
  const result = finishImport(draft, [], (path) => {
    if (path[0] === 'nodes' && typeof path[1] === 'number') {
      const src = sourceOf.get(nodes[path[1]]?.id ?? '');
      const at =
        path[2] === 'routes' && typeof path[3] === 'number'
          ? src?.routes[path[3]]
          : path[2] === 'sysctls' && typeof path[3] === 'string'
            ? src?.sysctls[path[3]]
            : path[2] === 'gateway' && typeof path[3] === 'string'
              ? src?.gateway[path[3]]
              : undefined;
      const made = bridgeLine.get(nodes[path[1]]?.id ?? '');
      if (made) return { line: made.line, column: 1, ...(made.file ? { file: made.file } : {}) };
      if (at) return { line: at.line, column: 1, ...(at.file ? { file: at.file } : {}) };
      if (lineOfNode[path[1]] !== undefined) return { line: lineOfNode[path[1]]!, column: 1 };
    }
    if (path[0] === 'links' && typeof path[1] === 'number') {
      const l = links[path[1]];
      const v = path[3] === 'vlans' ? vlansLine.get(l?.id ?? '') : undefined;
      if (v) return { line: v.line, column: 1, ...(v.file ? { file: v.file } : {}) };
      const machine = l && (bridgeOwner.get(l.a.node) ?? nodes.find((n) => n.id === l.a.node)?.name);
      const mc = machine ? conf.machines.get(machine) : undefined;
      const iface = mc?.ifaces.get(Number(l?.a.ifname.slice(3)));
      if (iface) return { line: iface.line, column: 1 };
    }
    return { line: 1, column: 1 };
  });
  for (const p of result.problems) problems.add(p);
  return { ...result, problems: problems.done() };
}
