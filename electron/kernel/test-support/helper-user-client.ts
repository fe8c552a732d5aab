/**
 * The unprivileged side of a test, run **as the test user** (setpriv): it
 * talks to a helper that root started for it (through a Unix socket the test
 * relays to the helper's stdio, standing in for sudo), captures on a lab link
 * while pinging, and prints what it got as one JSON line. The capture file is
 * written by this process, so it must belong to the user.
 *
 * Run: node tsx helper-user-client.ts SOCKET LAB CAPTURE_DIR
 */
import { createHelperClient } from '../helper-client';
import { helperLive } from '../live/helper-backend';

const RELAY = `const s=require('net').connect(process.argv[1]);process.stdin.pipe(s);s.pipe(process.stdout);s.on('close',()=>process.exit(0));`;

async function main(): Promise<void> {
  const [sock, lab, dir] = process.argv.slice(2);
  const client = createHelperClient([process.execPath, '-e', RELAY, sock]);
  const live = helperLive(client, { dir });
  try {
    const events: unknown[] = [];
    const info = await live.captureStart({ lab, linkId: 'l1', end: 'a' }, (s) => events.push(s));
    const ping = await live.ping({ lab, from: 'ns1', to: 'ns2', count: 2 });
    const stopped = await live.captureStop(info.id);
    process.stdout.write(
      `${JSON.stringify({ info, reached: ping.reached, stopped, events, uid: process.getuid?.() })}\n`,
    );
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  } finally {
    live.dispose();
    client.close();
  }
}

void main();
