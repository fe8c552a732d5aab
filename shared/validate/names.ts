/**
 * Name rules: the lab name, kernel interface names (link ends and bridges)
 * and network namespace names. The pure checks are exported so forms in the
 * renderer can use the same wording as the validator.
 */
import { IFNAME_MAX_BYTES, isNetnsNode, LAB_NAME_MAX, labNameProblem, NAME_PATTERN } from '../model';
import { nodeLabel, type Ctx } from './context';

/** Maximum length of a lab name (the rule lives in model/lab-name.ts). */
export { LAB_NAME_MAX };
/** Maximum length netplumb allows for a namespace name. */
export const NETNS_NAME_MAX = 64;

/**
 * Names the kernel or the system already uses inside every namespace:
 * `lo` exists in each one; `all` and `default` clash with the per-interface
 * sysctl directories (/proc/sys/net/ipv4/conf/{all,default}), so the kernel
 * refuses them; `bonding_masters` is a file in /sys/class/net.
 */
export const RESERVED_IFNAMES: readonly string[] = ['lo', 'all', 'default', 'bonding_masters'];

/**
 * Fallback tunnel devices the kernel creates in every new namespace when the
 * ipip/sit/gre/ip6_tunnel/vti modules are loaded (net.core.fb_tunnels_only_for_init_net=0).
 */
export const FALLBACK_TUNNEL_IFNAMES: readonly string[] = [
  'tunl0',
  'sit0',
  'ip6tnl0',
  'gre0',
  'gretap0',
  'erspan0',
  'ip_vti0',
  'ip6_vti0',
  'ip6gre0',
];

/** A name check failure: a problem code and the reason in plain words. */
export interface NameIssue {
  code: string;
  reason: string;
}

const encoder = new TextEncoder();
/** Length of a string in UTF-8 bytes (what the kernel counts). */
export function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/** Checks a lab name. Returns null when it is fine. */
export function checkLabName(name: string): NameIssue | null {
  // Why one rule (model/lab-name.ts): the IPC contract and the lab store use
  // it too, so a name the validator accepts is never refused later.
  const reason = labNameProblem(name);
  return reason === null ? null : { code: 'lab-name-invalid', reason };
}

/**
 * Characters allowed in interface, bridge and namespace names: ASCII letters,
 * digits, "-", "_" and ".".
 *
 * Why so narrow: names travel as words of `ip -batch` lines, whose parser
 * (iproute2's makeargs/getcmdline) has no escapes, takes `"` or `'` at the
 * start of a word as a quote, cuts the line at any `#`, and joins lines at a
 * trailing backslash; with such characters a name could split into other words
 * than the plan shows. The kernel's dev_valid_name() already refuses "/", ":"
 * (the old alias syntax) and white space, `ip netns add` refuses "/". "%" is a
 * kernel numbering template, "@" reads as `name@peer` in `ip link` output,
 * "+" and non-ASCII letters gain nothing and complicate shell snippets, file
 * names and JSON Schema patterns. This set is also the set ids use, so a
 * node's id can always be its name.
 */
export const NAME_CHARS = new RegExp(NAME_PATTERN);
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const CHARS_RULE = 'only letters a–z and A–Z, digits, "-", "_" and "." are allowed';

/** The first character of `name` outside {@link NAME_CHARS}, or undefined. */
export function refusedChar(name: string): string | undefined {
  return [...name].find((c) => !NAME_CHAR.test(c));
}

/** A character named in plain words for a message: `"#"`, `a space`, `a tab`, `"\u0007"`. */
export function describeChar(c: string): string {
  if (c === ' ') return 'a space';
  if (c === '\t') return 'a tab';
  if (c === '\n' || c === '\r') return 'a line break';
  return JSON.stringify(c);
}

/** Why a character is refused, when there is a specific reason beyond the character set. */
function whyRefused(c: string): string {
  if (c === '/' || c === ':' || /\s/.test(c))
    return '; Linux itself refuses "/", ":" and white space in interface names';
  if (c === '%') return '; the kernel would treat "%" as a numbering template';
  if (c === '"' || c === "'" || c === '#' || c === '\\')
    return '; ip -batch would read quotes, "#" or "\\" as quoting, a comment or a line continuation';
  return '';
}

/**
 * Names that are also properties of every JavaScript object ("constructor",
 * "valueOf", "__proto__", ...).
 *
 * Why refused: netplumb's kernel state keeps interfaces and namespaces in
 * plain objects keyed by name, where such a key finds (or, for "__proto__",
 * replaces) the object's prototype instead of an entry, so the plan would be
 * wrong. Found by the batch-line property test.
 */
const OBJECT_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
const objectKeyIssue = (q: string) =>
  `${q} is the name of a built-in property of JavaScript objects, which netplumb cannot use as a name`;

/** Checks a kernel interface name (link end or bridge). Returns null when it is fine. */
export function checkIfName(name: string, on?: string): NameIssue | null {
  const where = on ? ` on ${on}` : '';
  if (typeof name !== 'string' || name.length === 0)
    return { code: 'ifname-invalid', reason: `the interface name${where} is empty` };
  const q = `interface name ${JSON.stringify(name)}${where}`;
  const bytes = byteLength(name);
  // Why: IFNAMSIZ is 16 including the terminating NUL; longer names are
  // rejected (or silently truncated by some tools), so the lab would not match the drawing.
  if (bytes > IFNAME_MAX_BYTES) {
    return {
      code: 'ifname-too-long',
      reason: `${q} is ${bytes} bytes; Linux allows at most ${IFNAME_MAX_BYTES}`,
    };
  }
  if (name === '.' || name === '..')
    return {
      code: 'ifname-invalid',
      reason: `${q} cannot be used (it is a directory name in /sys/class/net)`,
    };
  // Why: see NAME_CHARS — a name must reach the kernel as exactly one word,
  // the same in the plan, in ip -batch lines and in exported scripts.
  const bad = refusedChar(name);
  if (bad !== undefined)
    return {
      code: 'ifname-invalid',
      reason: `${q} contains ${describeChar(bad)}; ${CHARS_RULE}${whyRefused(bad)}`,
    };
  // Why: names are passed as argv to ip/bridge/tc; a leading '-' would be read as an option.
  if (name.startsWith('-'))
    return { code: 'ifname-invalid', reason: `${q} starts with "-", which ip would read as an option` };
  if (OBJECT_KEYS.has(name)) return { code: 'ifname-reserved', reason: objectKeyIssue(q) };
  if (RESERVED_IFNAMES.includes(name)) {
    return {
      code: 'ifname-reserved',
      reason:
        name === 'lo'
          ? `${q} is the loopback interface every namespace already has`
          : `${q} is reserved by the kernel`,
    };
  }
  return null;
}

/** Checks a network namespace name. Returns null when it is fine. */
export function checkNetnsName(name: string): NameIssue | null {
  if (typeof name !== 'string' || name.length === 0)
    return { code: 'netns-name-invalid', reason: 'the namespace name is empty' };
  if (name.length > NETNS_NAME_MAX) {
    return {
      code: 'netns-name-too-long',
      reason: `namespace name "${name}" is ${name.length} characters; netplumb allows at most ${NETNS_NAME_MAX}`,
    };
  }
  // Why: `ip netns add NAME` creates /run/netns/NAME; '.' and '..' would
  // point elsewhere in the file system ('/' is refused with the character set).
  if (name === '.' || name === '..') {
    return {
      code: 'netns-name-invalid',
      reason: `namespace name "${name}" is not a valid file name (not "." or "..")`,
    };
  }
  // Why: the name is a file name under /run/netns, a word of `ip -n NAME`
  // command lines and of exported shell snippets: see NAME_CHARS.
  const bad = refusedChar(name);
  if (bad !== undefined) {
    return {
      code: 'netns-name-invalid',
      reason: `namespace name ${JSON.stringify(name)} contains ${describeChar(bad)}; ${CHARS_RULE}${whyRefused(bad).replace('in interface names', 'in names')}`,
    };
  }
  if (name.startsWith('-'))
    return {
      code: 'netns-name-invalid',
      reason: `namespace name "${name}" starts with "-", which ip would read as an option`,
    };
  if (OBJECT_KEYS.has(name))
    return { code: 'netns-name-invalid', reason: objectKeyIssue(`namespace name "${name}"`) };
  return null;
}

/** Rule: lab name, node names (namespace names, bridge names) and link-end interface names. */
export function checkNames(ctx: Ctx): void {
  const { topo } = ctx;
  const lab = checkLabName(topo.name);
  if (lab)
    ctx.add({ code: lab.code, severity: 'error', message: `Lab name: ${lab.reason}.`, path: ['name'] });

  topo.nodes.forEach((n, i) => {
    if (isNetnsNode(n)) {
      const issue = checkNetnsName(n.name);
      if (issue)
        ctx.add({
          code: issue.code,
          severity: 'error',
          message: `${nodeLabel(n)}: ${issue.reason}.`,
          path: ['nodes', i, 'name'],
          nodeId: n.id,
        });
    } else if (n.kind === 'bridge') {
      const issue = checkIfName(n.name);
      if (issue)
        ctx.add({
          code: issue.code,
          severity: 'error',
          message: `${nodeLabel(n)}: a bridge name is an interface name; ${issue.reason}.`,
          path: ['nodes', i, 'name'],
          nodeId: n.id,
        });
    }
  });

  for (const e of ctx.ends) {
    if (FALLBACK_TUNNEL_IFNAMES.includes(e.end.ifname) && e.ns !== undefined) {
      ctx.add({
        code: 'ifname-fallback-tunnel',
        severity: 'warning',
        message: `Link ${ctx.linkName(e.link)}: interface name "${e.end.ifname}" on ${e.end.node} is the name of a tunnel device the kernel adds to every namespace when its tunnel module is loaded; the lab may fail to apply on such a machine.`,
        path: ['links', e.li, e.key, 'ifname'],
        linkId: e.link.id,
        nodeId: e.node?.id,
      });
    }
    const issue = checkIfName(e.end.ifname, e.end.node);
    if (issue) {
      ctx.add({
        code: issue.code,
        severity: 'error',
        message: `Link ${ctx.linkName(e.link)}: ${issue.reason}.`,
        path: ['links', e.li, e.key, 'ifname'],
        linkId: e.link.id,
        nodeId: e.node?.id,
      });
    }
  }
}
