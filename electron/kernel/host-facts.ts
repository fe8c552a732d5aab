/**
 * The host-safety check on the kernel side: reads the host's own addresses,
 * routes and default gateways in the root namespace (`ip -j`, through the
 * runner, read only), and the machine's policy file, then applies the pure
 * rules of shared/validate/host-safety.ts. Runs before any change, as root or
 * inside the privileged helper, for apply, plan and status.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { Topology } from '../../shared/model';
import { markLab } from '../../shared/plan';
import { parseCidr } from '../../shared/util/ip';
import type { Problem } from '../../shared/validate';
import {
  checkHostSafety,
  DEFAULT_HOST_POLICY,
  rootClaims,
  type HostFacts,
  type HostPolicy,
} from '../../shared/validate/host-safety';
import { IpLinkList, IpRouteList } from './ip-json';
import type { Runner } from './runner';

/** Where the machine's policy lives. Fixed: no environment variable or document moves it. */
export const HOST_POLICY_FILE = '/etc/netplumb/host-policy.json';

/** Route types that carry no traffic of the host's own to take (they are not unicast destinations). */
const SKIP_TYPES = new Set(['multicast', 'broadcast', 'anycast']);

const problem = (code: string, severity: Problem['severity'], message: string): Problem => ({
  code,
  severity,
  message,
  path: [],
});

async function ipJson(runner: Runner, args: string[]): Promise<unknown> {
  const argv = ['ip', '-j', ...args];
  const r = await runner(argv);
  if (r.exitCode !== 0) throw new Error(`"${argv.join(' ')}" failed: ${(r.stderr || r.stdout).trim()}`);
  return JSON.parse(r.stdout || '[]');
}

/**
 * Reads what the host has in its root namespace, leaving out what carries
 * this lab's mark (its own interfaces, their addresses and routes), so that
 * re-applying a lab is not refused because of itself.
 */
export async function readHostFacts(runner: Runner, lab: string): Promise<HostFacts> {
  const [linkJson, r4, r6] = await Promise.all([
    ipJson(runner, ['-d', 'address', 'show']),
    ipJson(runner, ['-4', 'route', 'show', 'table', 'all']),
    ipJson(runner, ['-6', 'route', 'show', 'table', 'all']),
  ]);
  const links = IpLinkList.parse(linkJson);
  const ours = new Set(links.filter((l) => markLab(l.ifalias) === lab).map((l) => l.ifname));
  const facts: HostFacts = { addresses: [], routes: [], gateways: [] };
  for (const l of links) {
    if (ours.has(l.ifname)) continue;
    for (const a of l.addr_info ?? [])
      if (a.local !== undefined && a.prefixlen !== undefined)
        facts.addresses.push({ cidr: `${a.local}/${a.prefixlen}`, dev: l.ifname });
  }
  for (const routes of [r4, r6]) {
    for (const r of IpRouteList.parse(routes)) {
      if (r.dev !== undefined && ours.has(r.dev)) continue;
      if (r.dst === 'default') {
        if (r.gateway) facts.gateways.push({ ip: r.gateway, dev: r.dev });
        for (const h of r.nexthops ?? []) if (h.gateway) facts.gateways.push({ ip: h.gateway, dev: h.dev });
        if (r.via?.host) facts.gateways.push({ ip: r.via.host, dev: r.dev });
        continue;
      }
      // IPv6 link-local routes exist on every interface and are scoped to it: they take no traffic of the host's.
      if (SKIP_TYPES.has(r.type ?? 'unicast') || /^fe[89ab][0-9a-f]:/i.test(r.dst)) continue;
      facts.routes.push({ dst: r.dst, dev: r.dev, table: r.table });
    }
  }
  return facts;
}

const PolicyFile = z
  .object({
    minPrefixV4: z.number().int().min(0).max(32).optional(),
    minPrefixV6: z.number().int().min(0).max(128).optional(),
    allow: z.array(z.string().refine((s) => parseCidr(s) !== null, 'a prefix in CIDR form')).optional(),
  })
  .strict();

/** True when `path` is owned by root and not writable by group or others (and not a symlink). */
function rootOwned(path: string, dir: boolean): string | null {
  const st = lstatSync(path);
  if (dir ? !st.isDirectory() : !st.isFile()) return `${path} is not a ${dir ? 'directory' : 'regular file'}`;
  if (st.uid !== 0) return `${path} is not owned by root`;
  if (st.mode & 0o022) return `${path} may be written by group or others`;
  return null;
}

/**
 * Reads the machine's policy. Missing file: the defaults. A file (or its
 * directory) that is not root-owned or is writable by others, or that does
 * not parse, is ignored with a warning: the defaults (strictest) apply.
 */
export function readHostPolicy(file = HOST_POLICY_FILE): { policy: HostPolicy; problems: Problem[] } {
  const ignored = (why: string) => ({
    policy: DEFAULT_HOST_POLICY,
    problems: [
      problem(
        'host-policy-ignored',
        'warning',
        `The host policy ${file} was ignored (${why}); the default rules apply.`,
      ),
    ],
  });
  try {
    lstatSync(file);
  } catch {
    return { policy: DEFAULT_HOST_POLICY, problems: [] };
  }
  try {
    // Why: the policy relaxes a safety rule for a root process; only root may
    // have written it, or any user could let a document take the host's routing.
    const bad = rootOwned(dirname(file), true) ?? rootOwned(file, false);
    if (bad) return ignored(bad);
    const parsed = PolicyFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      return ignored(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; '),
      );
    return {
      policy: { ...DEFAULT_HOST_POLICY, ...parsed.data, allow: parsed.data.allow ?? [] },
      problems: [],
    };
  } catch (e) {
    return ignored((e as Error).message);
  }
}

/**
 * The host-safety check for a validated topology: nothing to read when the
 * lab puts no address in the root namespace; otherwise the host's facts are
 * read, and a read that fails refuses (safety cannot be shown).
 */
export async function checkHost(
  topology: Topology,
  runner: Runner,
  policyFile = HOST_POLICY_FILE,
): Promise<Problem[]> {
  if (rootClaims(topology).length === 0) return [];
  const { policy, problems } = readHostPolicy(policyFile);
  let facts: HostFacts;
  try {
    facts = await readHostFacts(runner, topology.name);
  } catch (e) {
    return [
      ...problems,
      problem(
        'host-facts-unreadable',
        'error',
        `The host's own addresses and routes could not be read, so netplumb cannot make sure the lab leaves them alone: ${(e as Error).message}`,
      ),
    ];
  }
  return [...problems, ...checkHostSafety(topology, facts, policy)];
}
