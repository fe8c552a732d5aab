/**
 * Ownership, checked at the last moment: every object a plan deletes must
 * still carry the mark the plan saw, right before the delete runs.
 */
import { ROOT_NS, type Change } from '../../shared/plan';
import { IpLinkList } from './ip-json';
import { fanOut, type Runner } from './runner';

/**
 * Re-checks, right before deleting, that every object still carries the mark
 * the plan saw. Why: between planning and deleting, a foreign object may have
 * taken the name; netplumb must never delete what it does not own. One
 * `ip -j link show` per namespace involved, all started by one fan-out.
 */
export async function verifyMarks(runner: Runner, deletes: Change[]): Promise<void> {
  // A namespace's mark is the alias of its lo.
  const targets = deletes.flatMap((c) => {
    const d = c.deletes;
    // Why: a delete whose object is unknown cannot be checked, so it must not run.
    if (!d) throw new Error(`refusing to run "${c.argv.join(' ')}": netplumb cannot tell what it deletes`);
    return [d.kind === 'namespace' ? { c, ns: d.name, dev: 'lo' } : { c, ns: d.namespace, dev: d.name }];
  });
  const spaces = [...new Set(targets.map((t) => t.ns))];
  const results = await fanOut(
    runner,
    spaces.map((ns) => ({ argv: ['ip', ...(ns === ROOT_NS ? [] : ['-n', ns]), '-j', 'link', 'show'] })),
  );
  const aliases = new Map<string, Map<string, string | undefined>>();
  spaces.forEach((ns, i) => {
    const r = results[i];
    if (r.exitCode !== 0) return; // the namespace is gone: every object in it "disappeared"
    aliases.set(
      ns,
      new Map(IpLinkList.parse(JSON.parse(r.stdout || '[]')).map((l) => [l.ifname, l.ifalias])),
    );
  });
  for (const { c, ns, dev } of targets) {
    const links = aliases.get(ns);
    if (!links || !links.has(dev))
      throw new Error(`${c.target.name} disappeared before netplumb could delete it`);
    if (links.get(dev) !== c.requireMark) {
      throw new Error(
        `refusing to delete ${c.target.name}: it no longer carries netplumb's mark (${c.requireMark}); it may belong to someone else now`,
      );
    }
  }
}
