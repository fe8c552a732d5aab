/**
 * CLI commands for working inside an applied lab: exec, ping, traceroute,
 * check, tables, trace. They name a lab and node ids; the kernel side maps
 * them to namespaces the lab owns (kernel/live/owned.ts) and refuses the
 * rest. As root they run in this process; as a normal user through the
 * privileged helper (exec then runs the command as you, inside the lab).
 *
 * Exit codes: 0 ok (reached / all checks pass); 1 invalid or refused;
 * 2 a kernel read failed; 4 a check failed or the target was not reached
 * (exec passes the command's own exit code through).
 */
import { spawn } from 'node:child_process';
import type { LiveBackend } from '../kernel/live/backend';
import { EXIT, type Command } from './command';
import type { ParsedArgs } from './args';
import { loadFileArg } from './load-arg';
import { prefixedLab, prefixSetting } from './prefix-config';
import { bold, dim, green, red, yellow } from './output';

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');
const json = (v: unknown) => out(JSON.stringify(v, null, 2));

const NEED_ROOT =
  'this command runs inside the lab\'s namespaces: it needs root or the privileged helper. Install the helper once with "sudo npx netplumb helper install" (see README: "Running without root"), or run it with sudo.';

/**
 * Runs `fn` with the live lab (this process as root, else the privileged
 * helper); plain-words errors become exit 1 (refusals) or 2 (kernel).
 */
async function live(args: ParsedArgs, fn: (b: LiveBackend) => Promise<number>): Promise<number> {
  const { chooseLive } = await import('../kernel/live/choose-live');
  const { APP_ROOT } = await import('./serve');
  const chosen = await chooseLive(APP_ROOT);
  if (!chosen) {
    if (args.flags.json) json({ ok: false, error: NEED_ROOT });
    else err(red(NEED_ROOT));
    return EXIT.invalid;
  }
  try {
    return await fn(chosen.live);
  } catch (e) {
    const { PlainError } = await import('../kernel/plain-error');
    const message = (e as Error).message;
    if (args.flags.json) json({ ok: false, error: message });
    else err(red(message));
    return e instanceof PlainError ? EXIT.invalid : EXIT.kernel;
  } finally {
    chosen.close();
  }
}

/**
 * `exec` through the helper: the command runs as you in the lab's namespace,
 * on a terminal the helper opens; your terminal is attached to it (raw mode)
 * and its exit code is passed through. Without a terminal here, output lines
 * end in "\n" again (a pty writes "\r\n") and stdin's end is sent as ^D.
 */
export async function execThroughHelper(
  b: LiveBackend,
  lab: string,
  node: string,
  command: string[],
): Promise<number> {
  const tty = !!(process.stdin.isTTY && process.stdout.isTTY);
  const size = () => ({
    cols: Math.max(2, Math.min(500, process.stdout.columns || 80)),
    rows: Math.max(2, Math.min(300, process.stdout.rows || 24)),
  });
  let id = '';
  const onData = (d: Buffer) => {
    const text = d.toString('utf8');
    // Why in pieces: one term-input carries at most 64 KiB.
    for (let i = 0; i < text.length; i += 16_384)
      void b.termInput(id, text.slice(i, i + 16_384)).catch(() => undefined);
  };
  const onEnd = () => void b.termInput(id, '\x04').catch(() => undefined);
  const onResize = () => void b.termResize(id, size().cols, size().rows).catch(() => undefined);
  try {
    return await new Promise<number>((resolve, reject) => {
      b.termOpen(
        { lab, nodeId: node, ...size() },
        {
          output: (_id, d) => void process.stdout.write(tty ? d : d.replace(/\r\n/g, '\n')),
          exit: (_id, code) => resolve(code),
        },
        { command, ...(tty ? {} : { echo: false }) },
      ).then((t) => {
        id = t.id;
        if (tty) process.stdin.setRawMode(true);
        process.stdin.on('data', onData);
        process.stdin.on('end', onEnd);
        process.stdout.on('resize', onResize);
      }, reject);
    });
  } finally {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdout.off('resize', onResize);
    if (tty) process.stdin.setRawMode(false);
    process.stdin.pause();
  }
}

/** LAB as given, with the user's name prefix in front (shared machines; see prefix-config.ts). */
function labArg(args: ParsedArgs, lab: string | undefined): string | undefined {
  const px = prefixSetting(args);
  if (px.error) err(yellow(`${px.error} (no prefix used)`));
  return lab === undefined ? lab : prefixedLab(lab, px.prefix);
}

export const LIVE_COMMANDS: Record<string, Command> = {
  exec: {
    help: `usage: netplumb exec LAB NODE -- CMD [ARGS...]

Runs CMD inside the namespace of NODE (a namespace or router node id of the
applied lab LAB), with your terminal attached, and exits with CMD's exit
code. Refused for namespaces the lab does not own, and for the host.
Without root it goes through the privileged helper and CMD runs as you
(on a terminal: stderr arrives on stdout).

  example: netplumb exec linux-bridge ns1 -- ip -br addr`,
    valued: ['prefix'],
    async run(args) {
      const [rawLab, node] = args.positionals;
      const lab = labArg(args, rawLab);
      if (!lab || !node || !args.rest.length)
        return (err('usage: netplumb exec LAB NODE -- CMD [ARGS...]'), EXIT.invalid);
      return live(args, async (b) => {
        if (b.where === 'helper') return execThroughHelper(b, lab, node, args.rest);
        const { ownedNode } = await import('../kernel/live/owned');
        const owned = await ownedNode(lab, node);
        // Why spawn and not the Runner: the command is interactive (terminal attached, exit code passed through).
        const child = spawn('ip', ['netns', 'exec', owned.ns, ...args.rest], { stdio: 'inherit' });
        // Ctrl-C / Ctrl-\ reach the command (same process group); netplumb waits for its exit code.
        const ignore = () => {};
        process.on('SIGINT', ignore);
        process.on('SIGQUIT', ignore);
        try {
          return await new Promise<number>((resolve) => {
            child.on('error', (e) => (err(red(`cannot run ${args.rest[0]}: ${e.message}`)), resolve(127)));
            child.on('close', (code, signal) =>
              resolve(
                code ??
                  (signal
                    ? 128 +
                        ({ SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[
                          signal
                        ] || 129
                    : 1),
              ),
            );
          });
        } finally {
          process.off('SIGINT', ignore);
          process.off('SIGQUIT', ignore);
        }
      });
    },
  },
  ping: {
    help: `usage: netplumb ping LAB FROM TO [--count N] [--json]

Pings from node FROM (namespace or router) to TO: a node id or an address
inside the lab's subnets (anything else is refused: traffic stays between
the lab's own namespaces). At most 20 pings, 1 s wait each.
Exit 0 when a reply came back, 4 when none did.`,
    valued: ['count', 'prefix'],
    async run(args) {
      const [rawLab, from, to] = args.positionals;
      const lab = labArg(args, rawLab);
      if (!lab || !from || !to) return (err('usage: netplumb ping LAB FROM TO [--count N]'), EXIT.invalid);
      const count = args.flags.count === undefined ? 3 : Number(args.flags.count);
      if (!Number.isInteger(count) || count < 1 || count > 20)
        return (err(red('--count must be a whole number from 1 to 20')), EXIT.invalid);
      return live(args, async (b) => {
        const r = await b.ping({ lab, from, to, count });
        if (args.flags.json) json(r);
        else
          out(
            `${r.reached ? green('✓') : red('✗')} ${r.summary}${r.rtt ? dim(`  (min ${r.rtt.min} / max ${r.rtt.max} ms, ${r.lossPercent}% loss)`) : ''}`,
          );
        return r.reached ? EXIT.ok : EXIT.failed;
      });
    },
  },
  traceroute: {
    help: `usage: netplumb traceroute LAB FROM TO [--json]

Shows the routers between node FROM and TO (a node id or lab address). The
traceroute tool is not needed: netplumb walks the TTL with ping -t (at most
8 hops, 1 s per silent hop). Exit 0 when TO answered, 4 otherwise.`,
    valued: ['prefix'],
    async run(args) {
      const [rawLab, from, to] = args.positionals;
      const lab = labArg(args, rawLab);
      if (!lab || !from || !to) return (err('usage: netplumb traceroute LAB FROM TO'), EXIT.invalid);
      return live(args, async (b) => {
        const r = await b.traceroute({ lab, from, to });
        if (args.flags.json) json(r);
        else {
          out(bold(`traceroute from ${from} to ${r.to}`) + dim(`  (${r.method})`));
          for (const h of r.hops)
            out(
              `  ${String(h.ttl).padStart(2)}  ${h.address ?? '*'}${h.nodeId ? ` (${h.nodeId})` : ''}${h.rttMs !== undefined ? `  ${h.rttMs} ms` : ''}${h.kind === 'unreachable' ? red('  unreachable') : ''}`,
            );
        }
        return r.reached ? EXIT.ok : EXIT.failed;
      });
    },
  },
  check: {
    help: `usage: netplumb check FILE [--json]

Runs the file's expectations (expect: [{from, to, reach}]) against the
applied lab: two pings per line (ping -c 2 -W 1), lab addresses only.
Prints PASS or FAIL per line. Exit 0 when every line passes, 4 otherwise,
1 when the file is invalid or the lab is not applied.`,
    valued: ['prefix'],
    async run(args) {
      const { loaded, code } = loadFileArg(args, 'netplumb check FILE [--json]');
      if (!loaded) return code!;
      const doc = loaded.doc;
      return live(args, async (b) => {
        const { describeResult } = await import('../kernel/live/check');
        const r = await b.check({ topology: doc });
        if (args.flags.json) json(r);
        else {
          if (!r.results.length) out(yellow(`The file has no expectations (expect:) to check.`));
          for (const x of r.results) {
            const line = describeResult(x);
            out(x.status === 'pass' ? green(line) : x.status === 'fail' ? red(line) : yellow(line));
          }
          if (r.results.length)
            out(
              r.ok
                ? green(`All ${r.passed} checks pass.`)
                : red(`${r.failed + r.errors} of ${r.results.length} checks did not pass.`),
            );
        }
        return r.ok ? EXIT.ok : EXIT.failed;
      });
    },
  },
  tables: {
    help: `usage: netplumb tables LAB NODE [--json]

Prints a node's live tables: interfaces with addresses and counters, routes,
neighbours (ARP/ND); for a bridge, its ports and learned FDB entries.`,
    valued: ['prefix'],
    async run(args) {
      const [rawLab, node] = args.positionals;
      const lab = labArg(args, rawLab);
      if (!lab || !node) return (err('usage: netplumb tables LAB NODE'), EXIT.invalid);
      return live(args, async (b) => {
        const t = await b.tables({ lab, nodeId: node });
        if (args.flags.json) return (json(t), EXIT.ok);
        out(bold(`${node} (${t.kind}${t.ns ? ` in namespace ${t.ns}` : ''})`));
        out(bold('  interfaces'));
        for (const i of t.interfaces)
          out(
            `    ${i.name.padEnd(15)} ${i.up ? green('up  ') : red('down')} ${(i.mac ?? '').padEnd(17)} ${i.addresses.join(' ')}  ${dim(`rx ${i.rx.packets} pkts/${i.rx.bytes} B, tx ${i.tx.packets} pkts/${i.tx.bytes} B`)}`,
          );
        if (t.kind !== 'bridge') {
          out(bold('  routes'));
          for (const r of t.routes)
            out(
              `    ${r.dst}${r.via ? ` via ${r.via}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.protocol ? dim(` proto ${r.protocol}`) : ''}`,
            );
          out(bold('  neighbours'));
          for (const n of t.neighbours)
            out(`    ${n.address} ${n.mac ?? '(incomplete)'} dev ${n.dev} ${dim(n.state.join(','))}`);
        } else {
          out(bold('  forwarding database (learned)'));
          if (!t.fdb.length) out(dim('    (empty)'));
          for (const f of t.fdb) out(`    ${f.mac} on port ${f.port}${f.vlan ? ` vlan ${f.vlan}` : ''}`);
        }
        return EXIT.ok;
      });
    },
  },
  trace: {
    help: `usage: netplumb trace FILE FROM TO [--keep-neighbours] [--json]

Step mode: sends ONE ping from node FROM to TO (node id or lab address),
captures it on every interface of the lab (tcpdump, 5 s at most) and
explains each hop: ARP request and flooding, FDB learning, ARP reply, ICMP
echo request and reply, and which table decided. By default the lab's
neighbour tables and its bridges' learned FDB entries are flushed first so
ARP and MAC learning are part of the trace (--keep-neighbours leaves them).`,
    valued: ['prefix'],
    async run(args) {
      const [, from, to] = args.positionals;
      if (!from || !to) return (err('usage: netplumb trace FILE FROM TO'), EXIT.invalid);
      const { loaded, code } = loadFileArg(args, 'netplumb trace FILE FROM TO');
      if (!loaded) return code!;
      const doc = loaded.doc;
      return live(args, async (b) => {
        const r = await b.trace({ topology: doc, from, to, fresh: !args.flags['keep-neighbours'] });
        if (args.flags.json) return (json(r), r.reached ? EXIT.ok : EXIT.failed);
        for (const n of r.notes) out(dim(`note: ${n}`));
        for (const h of r.hops)
          out(
            `${String(h.step).padStart(3)}. ${h.explanation}${h.decidedBy ? dim(`  [${h.decidedBy}]`) : ''}`,
          );
        for (const l of r.learned) out(green(`learned: ${l}`));
        out(r.reached ? green(`✓ ${from} reached ${r.to}`) : red(`✗ ${from} did not reach ${r.to}`));
        return r.reached ? EXIT.ok : EXIT.failed;
      });
    },
  },
};
