/**
 * zod schemas for the JSON that iproute2 prints (`ip -j -d`, `bridge -j`,
 * `tc -j`), limited to the fields the live reader uses. Objects are loose:
 * iproute2 adds fields between versions and that must not break a read,
 * while a missing or mistyped field we rely on gives a clear error.
 *
 * Shapes follow iproute2 6.1 (ip/ipaddress.c, ip/iproute.c, ip/ipnetns.c,
 * bridge/vlan.c, tc/q_netem.c).
 *
 * The schemas of the live reader's batch (IpLinkList, IpRouteList,
 * NetnsList) only check: no defaults, no transforms, so what they accept
 * comes out as JSON.parse gave it. That is what lets a cached output checked
 * once be used later without checking it again (live-read.ts,
 * BATCH_SCHEMA_ID).
 */
import * as z from 'zod';

/** One `addr_info` entry of `ip -j address show`. */
export const IpAddrInfo = z.looseObject({
  family: z.string(),
  local: z.string().optional(),
  prefixlen: z.number().int().optional(),
  scope: z.string().optional(),
  /** Set on IPv6 addresses without IFA_F_PERMANENT (SLAAC, privacy): the kernel made them. */
  dynamic: z.boolean().optional(),
});
export type IpAddrInfo = z.infer<typeof IpAddrInfo>;

/** `linkinfo` of `ip -d`: the device kind and, for bridges, their attributes. */
export const IpLinkInfo = z.looseObject({
  info_kind: z.string().optional(),
  info_data: z
    .looseObject({
      stp_state: z.number().int().optional(),
      vlan_filtering: z.number().int().optional(),
      vlan_default_pvid: z.number().int().optional(),
    })
    .optional(),
  info_slave_kind: z.string().optional(),
  /** For a bridge port: its state ("forwarding", …) and its flags (learning, isolated, … as booleans). */
  info_slave_data: z.looseObject({ state: z.string().optional() }).optional(),
});

/** One link of `ip -j -d address show`. */
export const IpLink = z.looseObject({
  ifindex: z.number().int(),
  ifname: z.string(),
  /** For veth whose peer is in another namespace (link_netnsid set): the peer's ifindex there. */
  link_index: z.number().int().optional(),
  /** For veth whose peer is in this namespace: the peer's name (null when the kernel reports none). */
  link: z.string().nullable().optional(),
  /** For veth: the peer namespace's id as seen from this namespace. */
  link_netnsid: z.number().int().optional(),
  /** Absent only in theory (iproute2 always prints it); read as []. */
  flags: z.array(z.string()).optional(),
  mtu: z.number().int().optional(),
  /** Root qdisc kind (IFLA_QDISC), e.g. "noqueue" or "netem". */
  qdisc: z.string().optional(),
  master: z.string().optional(),
  operstate: z.string().optional(),
  link_type: z.string().optional(),
  address: z.string().optional(),
  ifalias: z.string().optional(),
  linkinfo: IpLinkInfo.optional(),
  /** Absent for `link show`; read as []. */
  addr_info: z.array(IpAddrInfo).optional(),
});
export type IpLink = z.infer<typeof IpLink>;
export const IpLinkList = z.array(IpLink);

/** `via` of a route whose gateway is of another family (RFC 5549). */
const IpVia = z.looseObject({ family: z.string().optional(), host: z.string() });

/** One route of `ip -j -d route show table all`. */
export const IpRoute = z.looseObject({
  type: z.string().optional(),
  dst: z.string(),
  gateway: z.string().optional(),
  via: IpVia.optional(),
  dev: z.string().optional(),
  table: z.string().optional(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  metric: z.number().int().optional(),
  nexthops: z.array(z.looseObject({ gateway: z.string().optional(), dev: z.string().optional() })).optional(),
});
export type IpRoute = z.infer<typeof IpRoute>;
export const IpRouteList = z.array(IpRoute);

/**
 * One IPv4 policy rule of `ip -j rule show` (iproute2 ip/iprule.c): its
 * priority and protocol; the selector and action fields are read by name
 * (live-parse.ts ruleOf), as printed.
 */
export const IpRule = z.looseObject({
  priority: z.number().int(),
  protocol: z.string().optional(),
});
export type IpRule = z.infer<typeof IpRule>;
export const IpRuleList = z.array(IpRule);

/** One entry of `ip -j neigh show nud permanent`. */
export const IpNeigh = z.looseObject({
  dst: z.string(),
  dev: z.string().optional(),
  lladdr: z.string().optional(),
  state: z.array(z.string()).optional(),
});
export type IpNeigh = z.infer<typeof IpNeigh>;
export const IpNeighList = z.array(IpNeigh);

/** One entry of `ip -j netns list-id`: a peer namespace id and, if it has one, its name. */
export const NetnsId = z.looseObject({ nsid: z.number().int(), name: z.string().optional() });
export const NetnsIdList = z.array(NetnsId);

/** One entry of `ip -j netns list`: a /run/netns name and, when this namespace has one for it, its nsid. */
export const NetnsListEntry = z.looseObject({ name: z.string(), id: z.number().int().optional() });
export const NetnsList = z.array(NetnsListEntry);

/**
 * Names the batch schemas above as they are now. A cached output checked
 * against them carries this name (read-cache.ts), and is used unchecked
 * only while it is the same: change it whenever IpLinkList, IpRouteList,
 * IpRuleList, IpNeighList or NetnsList change, or what the batch asks
 * (ip-json.test.ts fails until it is changed).
 */
export const BATCH_SCHEMA_ID = 'ip-json batch 4';

/** One port of `bridge -j vlan show` (iproute2 >= 5.x shape; ranges as vlan..vlanEnd). */
export const BridgeVlanPort = z.looseObject({
  ifname: z.string(),
  vlans: z
    .array(
      z.looseObject({
        vlan: z.number().int(),
        vlanEnd: z.number().int().optional(),
        flags: z.array(z.string()).optional(),
      }),
    )
    .default([]),
});
export type BridgeVlanPort = z.infer<typeof BridgeVlanPort>;
export const BridgeVlanList = z.array(BridgeVlanPort);

/**
 * netem options of `tc -j qdisc show`. Times are in seconds, probabilities
 * are fractions (0.01 = 1 %), rate is in bytes per second.
 */
export const NetemOptions = z.looseObject({
  limit: z.number().optional(),
  delay: z
    .looseObject({ delay: z.number(), jitter: z.number().optional(), correlation: z.number().optional() })
    .optional(),
  'loss-random': z.looseObject({ loss: z.number(), correlation: z.number().optional() }).optional(),
  rate: z.looseObject({ rate: z.number() }).optional(),
});
export type NetemOptions = z.infer<typeof NetemOptions>;

/** One qdisc of `tc -j qdisc show`. */
export const TcQdisc = z.looseObject({
  kind: z.string(),
  handle: z.string().optional(),
  dev: z.string(),
  root: z.boolean().optional(),
  parent: z.string().optional(),
  options: z.unknown().optional(),
});
export type TcQdisc = z.infer<typeof TcQdisc>;
export const TcQdiscList = z.array(TcQdisc);

/** Raised when iproute2 prints something we cannot understand (never for a missing namespace). */
export class IpJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpJsonError';
  }
}

/**
 * Parses JSON text printed by `what` and checks it against `schema`.
 * Throws IpJsonError naming the command and the first offending field.
 */
export function parseIpJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let raw: unknown;
  try {
    // iproute2 prints nothing (not "[]") for some empty dumps.
    raw = text.trim() === '' ? [] : JSON.parse(text);
  } catch (e) {
    throw new IpJsonError(
      `${what} printed output that is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`,
    );
  }
  return checkIpJson(schema, raw, what);
}

/** Checks an already parsed JSON value against `schema` (see parseIpJson). */
export function checkIpJson<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new IpJsonError(`${what} printed JSON of an unexpected shape${where}: ${issue.message}`);
  }
  return r.data;
}

const [BACKSLASH, QUOTE, OPEN_SQ, OPEN_CURLY, CLOSE_SQ, CLOSE_CURLY, COMMA] = [...'\\"[{]},'].map((c) =>
  c.charCodeAt(0),
);

/**
 * Splits the output of `ip -j -batch -` (one JSON document per command,
 * printed back to back) into its documents. Output of one compact document
 * per line is parsed line by line (a 1000-host root read is megabytes);
 * anything else is scanned by brackets outside strings, so the result does
 * not depend on line breaks.
 */
export function splitJsonDocuments(text: string, what: string): unknown[] {
  return compactLines(text) ?? scanJsonDocuments(text, what);
}

/**
 * The usual shape, read fast: iproute2 prints each document compact on a
 * line of its own. Every non-blank line must parse whole as an array or
 * object (JSON.parse refuses anything after the value); otherwise undefined,
 * and the scanner below decides (and names what is wrong).
 */
function compactLines(text: string): unknown[] | undefined {
  const docs: unknown[] = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l === '') continue;
    if (l[0] !== '[' && l[0] !== '{') return undefined;
    try {
      docs.push(JSON.parse(l));
    } catch {
      return undefined;
    }
  }
  return docs;
}

/** Splits concatenated JSON documents by scanning brackets outside strings. */
function scanJsonDocuments(text: string, what: string): unknown[] {
  // Char codes, not one-character strings: the root's output of a 200-host
  // lab is ~750 kB, and indexing by string cost ~10 ms of it per read.
  const docs: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_SQ || c === OPEN_CURLY) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === CLOSE_SQ || c === CLOSE_CURLY) {
      depth--;
      if (depth < 0) throw new IpJsonError(`${what} printed unbalanced JSON near offset ${i}`);
      if (depth === 0) {
        const piece = text.slice(start, i + 1);
        try {
          docs.push(JSON.parse(piece));
        } catch (e) {
          throw new IpJsonError(
            `${what} printed output that is not JSON (${(e as Error).message}): ${piece.slice(0, 200)}`,
          );
        }
      }
    } else if (depth === 0 && !/\s/.test(text[i])) {
      throw new IpJsonError(`${what} printed text outside JSON near offset ${i}: ${text.slice(i, i + 80)}`);
    }
  }
  if (depth !== 0 || inString) throw new IpJsonError(`${what} printed truncated JSON`);
  return docs;
}

/**
 * The top-level elements of `line`, a compact JSON array of objects as ip
 * prints it, each as its own text (JSON.parse of one gives that element);
 * undefined for anything else (then the caller parses the line whole). Why:
 * the root's link table grows by a bridge port per host and changes by one
 * or two of them per apply; parsing only the elements not seen before
 * (live-read.ts) skips the parse and the check of the others.
 */
export function arrayElements(line: string): readonly string[] | undefined {
  if (line.length >= SPLIT_MEMO_MIN) {
    const known = splitMemo.find((m) => m.line === line);
    if (known) return known.elements;
  }
  const elements = splitElements(line);
  if (elements) rememberElements(line, elements);
  return elements;
}

/**
 * The last few long lines split (the root's table: a merge builds it, the
 * parse splits it; the next merge splits the same text again), compared by
 * content. Lines shorter than this are split again: cheaper than a compare.
 */
const SPLIT_MEMO_MIN = 16 * 1024;
const splitMemo: { line: string; elements: readonly string[] }[] = [];

/** Tells arrayElements that `line` is made of `elements` (as it would split it: the caller joined them so). */
export function rememberElements(line: string, elements: readonly string[]): void {
  if (line.length < SPLIT_MEMO_MIN) return;
  splitMemo.unshift({ line, elements: Object.freeze([...elements]) });
  splitMemo.length = Math.min(splitMemo.length, 4);
}

function splitElements(line: string): string[] | undefined {
  if (line.charCodeAt(0) !== OPEN_SQ) return undefined;
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  // Between elements (depth 0): 0 after "[" (an element or "]"), 1 after an element ("," or "]"), 2 after ",".
  let between = 0;
  for (let i = 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (depth > 0) {
      if (c === QUOTE) inString = true;
      else if (c === OPEN_SQ || c === OPEN_CURLY) depth++;
      else if (c === CLOSE_SQ || c === CLOSE_CURLY) {
        depth--;
        if (depth === 0) {
          out.push(line.slice(start, i + 1));
          between = 1;
        }
      }
    } else if (c === OPEN_CURLY && between !== 1) {
      start = i;
      depth = 1;
    } else if (c === COMMA && between === 1) between = 2;
    else if (c === CLOSE_SQ && between !== 2) return i === line.length - 1 ? out : undefined;
    else return undefined;
  }
  return undefined;
}
