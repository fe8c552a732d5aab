/**
 * CLI commands for working inside an applied lab, as the registry lists them:
 * exec, ping, traceroute, check, tables, trace. Their work is in live-run.ts
 * (exec: exec-command.ts), loaded only when one of them runs.
 *
 * Exit codes: 0 ok (reached / all checks pass); 1 invalid or refused;
 * 2 a kernel read failed; 4 a check failed or the target was not reached
 * (exec passes the command's own exit code through).
 */
import type { Command } from './command';

const liveRun = () => import('./live-run');

export const LIVE_COMMANDS: Record<string, Command> = {
  exec: {
    section: 'live',
    synopsis: [{ usage: 'exec LAB NODE -- CMD', summary: "run a command in a node's namespace" }],
    help: `usage: netplumb exec LAB NODE -- CMD [ARGS...]

Runs CMD inside the namespace of NODE (a namespace or router node of the
applied lab LAB, by its id or its name), with your terminal attached, and exits with CMD's exit
code. Refused for namespaces the lab does not own, and for the host.
Without root it goes through the privileged helper and CMD runs as you
(on a terminal: stderr arrives on stdout).

  example: netplumb exec linux-bridge ns1 -- ip -br addr`,
    valued: ['prefix'],
    run: (args) => import('./exec-command').then((m) => m.execCommand(args)),
  },
  ping: {
    section: 'live',
    synopsis: [{ usage: 'ping LAB FROM TO', summary: 'ping between lab nodes (lab addresses only)' }],
    help: `usage: netplumb ping LAB FROM TO [--count N] [--json]

Pings from node FROM (namespace or router) to TO: a node or an address
inside the lab's subnets (a node by its id or its name) (anything else is refused: traffic stays between
the lab's own namespaces). At most 20 pings, 1 s wait each.
Exit 0 when a reply came back, 4 when none did.`,
    valued: ['count', 'prefix'],
    run: (args) => liveRun().then((m) => m.pingCommand(args)),
  },
  traceroute: {
    section: 'live',
    synopsis: [{ usage: 'traceroute LAB FROM TO', summary: 'routers on the way (TTL walk with ping)' }],
    help: `usage: netplumb traceroute LAB FROM TO [--json]

Shows the routers between node FROM and TO (a node id or name, or a lab
address). The
traceroute tool is not needed: netplumb walks the TTL with ping -t (at most
8 hops, 1 s per silent hop). Exit 0 when TO answered, 4 otherwise.`,
    valued: ['prefix'],
    run: (args) => liveRun().then((m) => m.tracerouteCommand(args)),
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
    run: (args) => liveRun().then((m) => m.checkCommand(args)),
  },
  tables: {
    section: 'live',
    synopsis: [{ usage: 'tables LAB NODE', summary: 'live addresses, routes, neighbours, FDB, counters' }],
    help: `usage: netplumb tables LAB NODE [--json]

Prints the live tables of NODE (its id or its name): interfaces with addresses and counters, routes,
neighbours (ARP/ND); for a bridge, its ports and learned FDB entries.`,
    valued: ['prefix'],
    run: (args) => liveRun().then((m) => m.tablesCommand(args)),
  },
  trace: {
    section: 'live',
    synopsis: [{ usage: 'trace FILE FROM TO', summary: 'step mode: one ping explained hop by hop' }],
    help: `usage: netplumb trace FILE FROM TO [--keep-neighbours] [--json]

Step mode: sends ONE ping from node FROM to TO (node id or name, or lab address),
captures it on every interface of the lab (tcpdump, 5 s at most) and
explains each hop: ARP request and flooding, FDB learning, ARP reply, ICMP
echo request and reply, and which table decided. By default the lab's
neighbour tables and its bridges' learned FDB entries are flushed first so
ARP and MAC learning are part of the trace (--keep-neighbours leaves them).`,
    valued: ['prefix'],
    run: (args) => liveRun().then((m) => m.traceCommand(args)),
  },
};
