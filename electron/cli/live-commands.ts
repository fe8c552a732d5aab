/**
 * CLI commands for working inside an applied lab: exec, ping, traceroute,
 * check, tables, trace. They name a lab and node ids; the kernel side maps
 * them to namespaces the lab owns (kernel/live/owned.ts) and refuses the
 * rest. As root they run in this process; as a normal user through the
 * privileged helper (exec then runs the command as you, inside the lab;
 * exec-command.ts).
 *
 * Exit codes: 0 ok (reached / all checks pass); 1 invalid or refused;
 * 2 a kernel read failed; 4 a check failed or the target was not reached
 * (exec passes the command's own exit code through).
 */
import { EXIT, err, json, out, type Command } from './command';
import { EXEC_COMMAND } from './exec-command';
import { labArg, live } from './live-session';
import { loadFileArg } from './load-arg';
import { bold, dim, green, red, yellow } from './output';

export const LIVE_COMMANDS: Record<string, Command> = {
  exec: EXEC_COMMAND,
  ping: {
    section: 'live',
    synopsis: [{ usage: 'ping LAB FROM TO', summary: 'ping between lab nodes (lab addresses only)' }],
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
    section: 'live',
    synopsis: [{ usage: 'traceroute LAB FROM TO', summary: 'routers on the way (TTL walk with ping)' }],
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
    section: 'live',
    synopsis: [{ usage: 'check FILE', summary: "run the file's expectations: PASS/FAIL per line" }],
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
    section: 'live',
    synopsis: [{ usage: 'tables LAB NODE', summary: 'live addresses, routes, neighbours, FDB, counters' }],
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
    section: 'live',
    synopsis: [{ usage: 'trace FILE FROM TO', summary: 'step mode: one ping explained hop by hop' }],
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
