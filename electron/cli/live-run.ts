/**
 * What the commands inside an applied lab do (their help and flags are in
 * live-commands.ts): ping, traceroute, check, tables, trace. They name a lab
 * and node ids; the kernel side maps them to namespaces the lab owns
 * (kernel/live/owned.ts) and refuses the rest. As root they run in this
 * process; as a normal user through the privileged helper.
 */
import type { ParsedArgs } from './args';
import { EXIT, err, json, out } from './command';
import { labArg, live } from './live-session';
import { loadFileArg } from './load-arg';
import { bold, dim, green, red, yellow } from './output';

/** `netplumb ping`. */
export async function pingCommand(args: ParsedArgs): Promise<number> {
  const [rawLab, from, to] = args.positionals;
  const { lab, code } = await labArg(args, rawLab);
  if (code !== undefined) return code;
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
}

/** `netplumb traceroute`. */
export async function tracerouteCommand(args: ParsedArgs): Promise<number> {
  const [rawLab, from, to] = args.positionals;
  const { lab, code } = await labArg(args, rawLab);
  if (code !== undefined) return code;
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
}

/** `netplumb check`. */
export async function checkCommand(args: ParsedArgs): Promise<number> {
  const { loaded, code } = await loadFileArg(args, 'netplumb check FILE [--json]');
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
}

/** `netplumb tables`. */
export async function tablesCommand(args: ParsedArgs): Promise<number> {
  const [rawLab, node] = args.positionals;
  const { lab, code } = await labArg(args, rawLab);
  if (code !== undefined) return code;
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
}

/** `netplumb trace`. */
export async function traceCommand(args: ParsedArgs): Promise<number> {
  const [, from, to] = args.positionals;
  if (!from || !to) return (err('usage: netplumb trace FILE FROM TO'), EXIT.invalid);
  const { loaded, code } = await loadFileArg(args, 'netplumb trace FILE FROM TO');
  if (!loaded) return code!;
  const doc = loaded.doc;
  return live(args, async (b) => {
    const r = await b.trace({ topology: doc, from, to, fresh: !args.flags['keep-neighbours'] });
    if (args.flags.json) return (json(r), r.reached ? EXIT.ok : EXIT.failed);
    for (const n of r.notes) out(dim(`note: ${n}`));
    for (const h of r.hops)
      out(`${String(h.step).padStart(3)}. ${h.explanation}${h.decidedBy ? dim(`  [${h.decidedBy}]`) : ''}`);
    for (const l of r.learned) out(green(`learned: ${l}`));
    out(r.reached ? green(`✓ ${from} reached ${r.to}`) : red(`✗ ${from} did not reach ${r.to}`));
    return r.reached ? EXIT.ok : EXIT.failed;
  });
}
