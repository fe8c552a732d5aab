/**
 * The live lab through the real privileged helper process, as a normal
 * caller would get it: the helper is started as root with a clean
 * environment and the caller variables sudo (or pkexec) sets, for a
 * throw-away user made with useradd. One classic lab (unique names) is
 * applied through the helper; terminals, tables, ping, traceroute, check,
 * step mode and captures run against it; refusals are checked. Everything
 * (lab, user, files) is removed in afterAll, even when a test fails.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, chownSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHelperClient, type HelperClient } from './helper-client';
import { HelperLive } from './helper-live';
import { helperLive } from './live/helper-backend';
import { netnsInode } from './netns';
import {
  APP_ROOT,
  createTestUser,
  helperArgvFor,
  type TestCaller,
  type TestUser,
} from './test-support/helper-process';
import { cleanupPrefix, uniquePrefix } from './test-support/lab-fixture';
import { classicLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const execFileAsync = promisify(execFile);
const root = isRoot();
const p = uniquePrefix();
const lab = `${p}-classic`;
const doc = {
  ...classicLab(p),
  expect: [
    { from: 'ns1', to: 'ns2' },
    { from: 'ns1', to: '10.0.9.9', reach: false },
  ],
};

let user: TestUser;
let client: HelperClient;
let live: ReturnType<typeof helperLive>;
let work: string;
const clients: HelperClient[] = [];

function helperFor(caller: TestCaller): { client: HelperClient; live: ReturnType<typeof helperLive> } {
  const c = createHelperClient(helperArgvFor(caller));
  clients.push(c);
  return { client: c, live: helperLive(c, { dir: path.join(work, 'captures') }) };
}

/** Opens a terminal, types `line`, and resolves with the output once `done` matches it. */
async function inTerminal(
  l: ReturnType<typeof helperLive>,
  node: string,
  line: string,
  done: RegExp,
): Promise<string> {
  let out = '';
  let id = '';
  const seen = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no match for ${done} in terminal output:\n${out}`)),
      20_000,
    );
    void l
      .termOpen(
        { lab, nodeId: node, cols: 100, rows: 30 },
        {
          output: (_id, d) => {
            out += d;
            if (done.test(out)) {
              clearTimeout(timer);
              resolve(out);
            }
          },
          exit: () => undefined,
        },
      )
      .then(async (t) => {
        id = t.id;
        await l.termInput(t.id, `${line}\r`);
      }, reject);
  });
  try {
    return await seen;
  } finally {
    if (id) await l.termClose(id).catch(() => undefined);
  }
}

describe.skipIf(!root)(
  `live lab through the privileged helper, for a normal caller${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    beforeAll(async () => {
      work = mkdtempSync(path.join(tmpdir(), 'np-helperops-'));
      user = createTestUser();
      ({ client, live } = helperFor({ sudo: { uid: user.uid, gid: user.gid } }));
      const a = await client.applyDocument(doc);
      expect(a.result?.error).toBeUndefined();
      expect(a.result?.ok).toBe(true);
    }, 120_000);

    afterAll(async () => {
      try {
        await client?.destroyLab(lab).catch(() => undefined);
        for (const c of clients) c.close();
      } finally {
        await cleanupPrefix(p);
        user?.remove();
        if (work) rmSync(work, { recursive: true, force: true });
      }
    }, 180_000);

    it('opens a terminal in the lab namespace as the caller (uid, gid, groups), never as root', async () => {
      const out = await inTerminal(
        live,
        'ns1',
        'printf "U=%s G=%s GS=%s NS=%s\\n" "$(id -u)" "$(id -g)" "$(id -G)" "$(stat -L -c %i /proc/self/ns/net)"',
        /U=(\d+) G=(\d+) GS=([\d ]+) NS=(\d+)/,
      );
      const m = /U=(\d+) G=(\d+) GS=([\d ]+) NS=(\d+)/.exec(out)!;
      expect(Number(m[1])).toBe(user.uid);
      expect(Number(m[2])).toBe(user.gid);
      expect(m[3].trim().split(/\s+/).map(Number)).toContain(user.extraGid);
      expect(m[3].trim().split(/\s+/).map(Number)).not.toContain(0);
      expect(Number(m[4])).toBe(await netnsInode(`${p}a`));
    }, 30_000);

    it('runs the shell as the caller on the pipe fallback too (no node-pty: util-linux script)', async () => {
      let out = '';
      const session = 'abcdef0123456789';
      const hl = new HelperLive(
        (e) => {
          if (e.event === 'term-output' && e.payload.session === session) out += e.payload.data;
        },
        {
          pipeFallback: true,
          caller: async () => ({
            uid: user.uid,
            gid: user.gid,
            user: user.name,
            home: '/',
            shell: '/bin/bash',
          }),
        },
      );
      try {
        await hl.run('term-open', { lab, nodeId: 'ns1', cols: 80, rows: 24, session }, {});
        await hl.run('term-input', { session, data: 'echo "U=$(id -u) G=$(id -G)"\n' }, {});
        for (let i = 0; i < 200 && !/U=\d+ G=[\d ]+\r?\n/.test(out); i++)
          await new Promise((r) => setTimeout(r, 50));
        const m = /U=(\d+) G=([\d ]+)/.exec(out);
        expect(Number(m?.[1])).toBe(user.uid);
        expect(m?.[2].trim().split(/\s+/).map(Number)).toContain(user.extraGid);
      } finally {
        await hl.closeAll();
      }
    }, 30_000);

    it('believes pkexec too, and refuses when sudo and pkexec disagree about the caller', async () => {
      const viaPkexec = helperFor({ pkexec: { uid: user.uid } });
      const out = await inTerminal(viaPkexec.live, 'ns2', 'echo "U=$(id -u)"', /U=(\d+)/);
      expect(Number(/U=(\d+)/.exec(out)![1])).toBe(user.uid);
      const planted = helperFor({
        env: { SUDO_UID: String(user.uid), SUDO_GID: String(user.gid), PKEXEC_UID: '0' },
      });
      await expect(
        planted.live.termOpen(
          { lab, nodeId: 'ns1', cols: 80, rows: 24 },
          { output: () => {}, exit: () => {} },
        ),
      ).rejects.toThrow(/disagree/);
    }, 30_000);

    it('runs `exec` commands as the caller, with their exit code', async () => {
      let out = '';
      const code = await new Promise<number>((resolve, reject) => {
        void live
          .termOpen(
            { lab, nodeId: 'ns2', cols: 80, rows: 24 },
            { output: (_i, d) => (out += d), exit: (_i, c) => resolve(c) },
            { command: ['sh', '-c', 'id -u; exit 7'] },
          )
          .catch(reject);
      });
      expect(code).toBe(7);
      expect(out.trim()).toBe(String(user.uid));
    }, 30_000);

    it('reads tables, pings, traceroutes, checks and traces through the helper', async () => {
      const t = await live.tables({ lab, nodeId: 'ns1' });
      expect(t.interfaces.find((i) => i.name === 'eth0')?.addresses).toContain('10.0.0.1/24');
      const br = await live.tables({ lab, nodeId: 'br0' });
      expect(br.kind).toBe('bridge');
      const ping = await live.ping({ lab, from: 'ns1', to: 'ns2', count: 2 });
      expect(ping.reached).toBe(true);
      const tr = await live.traceroute({ lab, from: 'ns1', to: 'ns2' });
      expect(tr.reached).toBe(true);
      const check = await live.check({ topology: doc });
      expect(check.results.map((r) => r.status)).toEqual(['pass', 'pass']);
      // "Check my work" as the helper's typed operation: the student's app is not root.
      const activity = {
        version: 1,
        locked: { nodes: [], links: [], fields: [] },
        checks: [
          { id: 'r12', kind: 'reach', from: 'ns1', to: 'ns2', points: 2 },
          { id: 'x', kind: 'no-reach', from: 'ns1', to: 'ns2', points: 1 },
        ],
      };
      const mine = await live.activityCheck({ topology: { ...doc, activity } });
      expect(mine).toMatchObject({ lab, score: 2, max: 3 });
      expect(mine.checks.map((c) => c.status)).toEqual(['pass', 'fail']);
      const trace = await live.trace({ topology: doc, from: 'ns1', to: 'ns2' });
      expect(trace.reached).toBe(true);
      expect(trace.hops.length).toBeGreaterThan(0);
      const sample = await live.sample({ lab });
      expect(sample.links.map((l) => l.linkId).sort()).toEqual(['l1', 'l2']);
    }, 90_000);

    it('sets a link down and up through the helper', async () => {
      const down = await live.linkState({ topology: doc, linkId: 'l2', up: false });
      expect(down.result?.ok).toBe(true);
      expect((await live.ping({ lab, from: 'ns1', to: 'ns2', count: 1 })).reached).toBe(false);
      const up = await live.linkState({ topology: down.topology, linkId: 'l2', up: true });
      expect(up.result?.ok).toBe(true);
    }, 60_000);

    it('refuses a node not in the lab, a lab name with "..", a target outside the lab and a namespace without the mark', async () => {
      await expect(live.tables({ lab, nodeId: 'nope' })).rejects.toThrow(
        /no node "nope"|has no bridge "nope"/,
      );
      await expect(live.tables({ lab: '../etc', nodeId: 'ns1' })).rejects.toThrow(/malformed.*lab name/);
      await expect(live.ping({ lab, from: 'ns1', to: '192.0.2.1' })).rejects.toThrow(/lab/);
      await expect(
        client.request('term-open', { lab, nodeId: '../ns1', cols: 80, rows: 24, session: 'abcdef0123' }),
      ).rejects.toThrow(/malformed/);
      await expect(client.request('exec' as never, { argv: ['id'] })).rejects.toThrow(/unknown operation/);
      // Take the mark off ns2's lo: the namespace is no longer provably the lab's.
      const mark = JSON.parse(
        execFileSync('ip', ['-j', '-n', `${p}b`, 'link', 'show', 'dev', 'lo'], { encoding: 'utf8' }),
      )[0].ifalias as string;
      execFileSync('ip', ['-n', `${p}b`, 'link', 'set', 'dev', 'lo', 'alias', 'someone-else']);
      try {
        await expect(
          live.termOpen({ lab, nodeId: 'ns2', cols: 80, rows: 24 }, { output: () => {}, exit: () => {} }),
        ).rejects.toThrow(/not owned/);
        await expect(live.ping({ lab, from: 'ns2', to: 'ns1' })).rejects.toThrow(/not owned/);
      } finally {
        execFileSync('ip', ['-n', `${p}b`, 'link', 'set', 'dev', 'lo', 'alias', mark]);
      }
    }, 30_000);

    it("writes a capture the caller owns, in the caller's directory, from a client running as the caller", async () => {
      // The client runs as the user and reaches a root helper through a socket
      // this test relays to the helper's stdio (standing in for sudo).
      const dir = path.join(work, 'user');
      execFileSync('mkdir', ['-p', dir]);
      chownSync(dir, user.uid, user.gid);
      chownSync(work, user.uid, user.gid);
      const sock = path.join(work, 'helper.sock');
      const [cmd, ...args] = helperArgvFor({ sudo: { uid: user.uid, gid: user.gid } });
      const server = net.createServer((s) => {
        const h = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
        s.pipe(h.stdin);
        h.stdout.pipe(s);
        s.on('close', () => h.stdin.end());
      });
      await new Promise<void>((r) => server.listen(sock, r));
      chownSync(sock, user.uid, user.gid);
      try {
        const script = path.join(APP_ROOT, 'electron/kernel/test-support/helper-user-client.ts');
        const tsx = path.join(APP_ROOT, 'node_modules/tsx/dist/cli.mjs');
        // Asynchronous: the relay lives in this process and must keep running meanwhile.
        const { stdout: line } = await execFileAsync(
          'setpriv',
          [
            `--reuid=${user.uid}`,
            `--regid=${user.gid}`,
            '--init-groups',
            '--',
            process.execPath,
            tsx,
            script,
            sock,
            lab,
            dir,
          ],
          {
            encoding: 'utf8',
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, TMPDIR: work },
            timeout: 60_000,
          },
        );
        const r = JSON.parse(line.trim().split('\n').pop()!) as {
          error?: string;
          uid: number;
          reached: boolean;
          stopped: { path: string; bytes: number; packets?: number; reason: string };
        };
        expect(r.error).toBeUndefined();
        expect(r.uid).toBe(user.uid);
        expect(r.reached).toBe(true);
        expect(path.dirname(r.stopped.path)).toBe(dir);
        const st = statSync(r.stopped.path);
        expect(st.uid).toBe(user.uid);
        expect(st.mode & 0o777).toBe(0o600);
        expect(st.size).toBe(r.stopped.bytes);
        expect(r.stopped.bytes).toBeGreaterThan(24); // more than the pcap header: the pings are in it
        expect(r.stopped.reason).toBe('stopped');
        // The only file is the user's: the helper wrote nothing of its own there.
        expect(readdirSync(dir)).toEqual([path.basename(r.stopped.path)]);
      } finally {
        server.close();
      }
    }, 90_000);
  },
);
