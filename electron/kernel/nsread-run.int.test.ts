/**
 * `nsread run` on the real kernel (issue 13): each job runs its tool inside
 * its namespace with the tool's own exit code and words (a failed batch line
 * by number, a gone namespace as ip says it), only ip, tc and bridge run,
 * hostile names are refused, and the executor's waves go through it with the
 * real runner — journal, failure and rollback as through the fan-out.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, planDocument } from './engine';
import { isNamespaceGone } from './live-read';
import { lastPrimeStats, useNsread } from './live-reader';
import { runBatches, writerFor, type NsBatch } from './native-run';
import { execaRunner, recordingRunner } from './runner';
import { cleanupPrefix, hostSnapshot, tempRunDir, uniquePrefix } from './test-support/lab-fixture';
import { buildTestNsread } from './test-support/nsread-bin';
import { FALLBACK_TUNNEL_IFNAMES } from '../../shared/validate/names';

const nsread = buildTestNsread();
afterAll(() => nsread.remove());

const links = async (ns: string) =>
  JSON.parse((await execaRunner(['ip', '-j', '-n', ns, 'link', 'show'])).stdout) as {
    ifname: string;
    flags: string[];
    ifalias?: string;
  }[];

/** Runs jobs through the test's nsread (which always runs them: never undefined). */
async function batches(jobs: NsBatch[], opts?: { concurrency?: number }) {
  const r = await runBatches(nsread.bin, execaRunner, jobs, opts);
  expect(r).toBeDefined();
  return r!;
}

/** Runs the binary on raw stdin (fields the TypeScript side would never send). */
const raw = (input: string) => spawnSync(nsread.bin, ['run', '2'], { input, encoding: 'utf8' });

describe.skipIf(!!nsread.skip)(`nsread run${nsread.skip ? ` (skipped: ${nsread.skip})` : ''}`, () => {
  let p = '';
  beforeAll(async () => {
    p = uniquePrefix();
    useNsread(nsread.bin);
    await execaRunner(['ip', '-batch', '-'], { input: `netns add ${p}a\nnetns add ${p}b\n` });
  });
  afterAll(async () => {
    useNsread(undefined);
    await cleanupPrefix(p);
  });

  it('runs each job in its namespace with its own exit code and words; a failed line by its number, as ip -n says it', async () => {
    const failing = 'link set dev lo up\nlink set dev nope up\naddress add 10.1.1.1/24 dev lo\n';
    const r = await batches(
      [
        { ns: `${p}a`, tool: 'ip', input: 'link add name x0 type veth peer name x1\nlink set dev x0 up\n' },
        { ns: `${p}b`, tool: 'ip', input: failing },
        { ns: `${p}a`, tool: 'tc', input: 'qdisc show\n' },
        { ns: `${p}a`, tool: 'bridge', input: 'link show\n' },
      ],
      { concurrency: 1 },
    ); // one at a time: the tc job reads what the first made
    expect(r[0]).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    // Not the kernel's fallback tunnels (gre0, erspan0, …: in every namespace once ip_gre is loaded).
    const own = (await links(`${p}a`)).filter((l) => !FALLBACK_TUNNEL_IFNAMES.includes(l.ifname));
    expect(own.map((l) => l.ifname).sort()).toEqual(['lo', 'x0', 'x1']);
    // The failed batch stopped at line 2: lo is up, the address of line 3 was never added.
    expect(r[1].exitCode).toBe(1);
    expect(r[1].stderr).toMatch(/Cannot find device "nope"\nCommand failed -:2\n$/);
    expect((await links(`${p}b`)).find((l) => l.ifname === 'lo')?.flags).toContain('UP');
    const same = await execaRunner(['ip', '-n', `${p}b`, '-batch', '-'], { input: failing });
    expect(r[1]).toEqual(same);
    expect(r[2].exitCode).toBe(0);
    expect(r[2].stdout).toMatch(/qdisc noqueue 0: dev x0 root/);
    expect(r[3].exitCode).toBe(0);
  });

  it('with force, runs every line and names each failed one', async () => {
    const [r] = await batches([
      {
        ns: `${p}b`,
        tool: 'ip',
        force: true,
        input: 'link set dev nope1 up\nlink set dev lo alias forced\nlink set dev nope2 up\n',
      },
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Command failed -:1\n[^]*Command failed -:3\n$/);
    expect((await links(`${p}b`)).find((l) => l.ifname === 'lo')?.ifalias).toBe('forced');
  });

  it('a gone namespace fails in ip words, exit 255, and reads as gone', async () => {
    const gone = `${p}gone`;
    const [r] = await batches([{ ns: gone, tool: 'ip', input: 'link show\n' }]);
    const ip = await execaRunner(['ip', '-n', gone, '-batch', '-'], { input: 'link show\n' });
    expect(r).toEqual({
      exitCode: 255,
      stdout: '',
      stderr: `Cannot open network namespace "${gone}": No such file or directory\n`,
    });
    expect(r).toEqual(ip);
    expect(isNamespaceGone(r)).toBe(true);
  });

  it('carries a batch larger than a pipe holds', async () => {
    const input = Array.from({ length: 4000 }, (_, i) => `link set dev lo alias a${i}`).join('\n') + '\n';
    expect(input.length).toBeGreaterThan(65536);
    const [r] = await batches([{ ns: `${p}b`, tool: 'ip', input }]);
    expect(r).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect((await links(`${p}b`)).find((l) => l.ifname === 'lo')?.ifalias).toBe('a3999');
  });

  it('refuses any tool but ip, tc and bridge, and names that are not plain, running nothing', () => {
    const marker = path.join(tmpdir(), `netplumb-nsread-run-${p}`);
    const evil = `touch ${marker}\n`;
    const jobs: [string, string, string][] = [
      [`${p}a`, 'sh', evil],
      [`${p}a`, '/bin/sh', evil],
      [`${p}a`, 'ip ', 'link show\n'],
      [`${p}a`, 'ipx', 'link show\n'],
      ['../../proc/1/ns/net', 'ip', 'link show\n'],
      ['-n', 'ip', 'link show\n'],
      ['.hidden', 'ip', 'link show\n'],
      ['a/b', 'ip', 'link show\n'],
      ['', 'sh', evil],
      ['x\ny', 'ip', 'link show\n'],
    ];
    try {
      const r = raw(jobs.map(([n, t, i]) => `${n}\0${t}\0\0${i}\0`).join('') + `${p}a\0ip\0-force\0x\0`);
      expect(r.status).toBe(0);
      const f = r.stdout.split('\0');
      expect(f.pop()).toBe('');
      expect(f.length).toBe(5 * (jobs.length + 1));
      for (let i = 0; i < f.length; i += 5) {
        expect(f[i + 2], `job ${f[i]}`).toBe('1');
        expect(f[i + 4]).toMatch(/^nsread: (refusing to run|not a valid namespace name|unknown flags)/);
      }
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(marker, { force: true });
    }
  });

  it('killed (the caller gave up), it takes its running tools with it: none goes on changing the kernel', async () => {
    // `monitor` never ends on its own: a plain and a primed job that are still running when nsread is killed.
    const child = spawn(nsread.bin, ['run', '4', `--prime=address show\n`], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.stdin.end(`${p}a\0ip\0\0monitor link\n\0${p}b\0ip\0prime\0monitor link\n\0`);
    /** A /proc file's text, or '' once the process has ended. */
    const proc = (file: string) => {
      try {
        return readFileSync(`/proc/${file}`, 'utf8');
      } catch {
        return '';
      }
    };
    const comm = (pid: string) => proc(`${pid}/comm`).trim();
    // Every thread's children: each worker thread starts its own tool.
    const tools = () =>
      (existsSync(`/proc/${child.pid}/task`) ? readdirSync(`/proc/${child.pid}/task`) : []).flatMap((t) =>
        proc(`${child.pid}/task/${t}/children`).split(' ').filter(Boolean),
      );
    let pids: string[] = [];
    for (let i = 0; i < 100 && pids.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pids = tools().filter((pid) => comm(pid) === 'ip');
    }
    try {
      expect(pids.length).toBe(2);
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
      for (let i = 0; i < 100 && pids.some((pid) => existsSync(`/proc/${pid}`)); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(pids.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      // A tool the test saw survive is killed here (when the test fails), never another process given its pid.
      for (const pid of pids) if (comm(pid) === 'ip') process.kill(Number(pid), 'SIGKILL');
    }
  });

  it("the empty name is nsread's own namespace (the root's batches), never primed", async () => {
    const input = 'address show dev lo\nroute show table local dev lo\n';
    const [r] = await batches([{ ns: '', tool: 'ip', input }]);
    expect(r).toEqual(await execaRunner(['ip', '-batch', '-'], { input }));
    expect(r.stdout).toMatch(/inet 127\.0\.0\.1\/8/);
    const primed = spawnSync(nsread.bin, ['run', '1', '--prime=address show\n'], {
      input: `\0ip\0prime\0link show\n\0`,
      encoding: 'utf8',
    });
    expect(primed.stdout.split('\0').slice(2, 5)).toEqual([
      '1',
      '',
      expect.stringMatching(/needs .*a named namespace/),
    ]);
  });

  it('input cut inside a job: the whole jobs before it run and report, then exit 2', () => {
    const r = raw(`${p}b\0ip\0\0link set dev lo alias whole\n\0${p}b\0ip\0`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ended inside a job/);
    expect(r.stdout.split('\0').slice(0, 3)).toEqual(['0', `${p}b`, '0']);
  });

  it('is what the executor uses with the real runner only (a recording runner sees every ip)', () => {
    expect(writerFor(execaRunner)).toBe(nsread.bin);
    expect(writerFor(recordingRunner().run)).toBeUndefined();
  });
});

/** h1, h2 on a bridge; h2's address is what the injected conflict takes. */
function lab(p: string) {
  return {
    version: 1,
    name: `${p}-run`,
    nodes: [
      { id: 'h1', name: `${p}h1`, kind: 'namespace' },
      { id: 'h2', name: `${p}h2`, kind: 'namespace' },
      { id: 'br', name: `${p}br`, kind: 'bridge' },
    ],
    links: [
      {
        id: 'l1',
        a: { node: 'h1', ifname: 'eth0', addresses: ['10.0.0.1/24'] },
        b: { node: 'br', ifname: `${p}p1` },
      },
      {
        id: 'l2',
        a: { node: 'h2', ifname: 'eth0', addresses: ['10.0.0.2/24'] },
        b: { node: 'br', ifname: `${p}p2` },
      },
    ],
  };
}

describe.skipIf(!!nsread.skip)(
  `apply through nsread run${nsread.skip ? ` (skipped: ${nsread.skip})` : ''}`,
  () => {
    beforeAll(() => useNsread(nsread.bin));
    afterAll(() => useNsread(undefined));

    it('a kernel failure inside a namespace batch names its step, and the rollback leaves the host as it was', async () => {
      const p = uniquePrefix();
      const run = tempRunDir();
      try {
        const before = await hostSnapshot(p);
        const changes = (await planDocument(lab(p), { runDir: run.dir })).changes;
        const target = changes.findIndex((c) => c.ns === `${p}h2` && c.op.op === 'address-add');
        expect(target).toBeGreaterThan(0);
        let injected = false;
        const r = await applyDocument(lab(p), {
          runDir: run.dir,
          // After the root wave (the namespaces exist), someone takes h2's address by hand.
          onProgress: () => {
            if (injected) return;
            injected = true;
            spawnSync('ip', ['-n', `${p}h2`, 'address', 'add', '10.0.0.2/24', 'dev', 'eth0']);
          },
        });
        expect(r.result?.ok).toBe(false);
        expect(r.result?.failedStep).toBe(target);
        // The kernel's own words: its extended message on newer kernels, only the errno's on 6.1 (Debian 12).
        expect(r.result?.error).toMatch(/Address already assigned|File exists/);
        expect(r.result?.rolledBack, r.result?.error).toBe(true);
        expect(await hostSnapshot(p)).toEqual(before);
      } finally {
        await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
        await cleanupPrefix(p);
        run.remove();
      }
    }, 60_000);

    it('an nsread without `run` (an older build) or none at all: the apply runs through the fan-out', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'netplumb-old-nsread-'));
      const old = path.join(dir, 'nsread');
      writeFileSync(old, '#!/bin/sh\necho "usage: nsread read MAXJOBS BATCH [SYSCTL_KEY...]" >&2\nexit 2\n', {
        mode: 0o755,
      });
      try {
        for (const bin of [old, path.join(dir, 'missing')]) {
          useNsread(bin);
          const p = uniquePrefix();
          const run = tempRunDir();
          try {
            const r = await applyDocument(lab(p), { runDir: run.dir });
            expect(r.result?.ok, r.result?.error).toBe(true);
            expect((await planDocument(lab(p), { runDir: run.dir })).changes).toEqual([]);
          } finally {
            await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
            await cleanupPrefix(p);
            run.remove();
          }
        }
      } finally {
        useNsread(nsread.bin);
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it('a clean apply primes the read cache of the namespaces it wrote, and the lab plans empty', async () => {
      const p = uniquePrefix();
      const run = tempRunDir();
      try {
        expect((await applyDocument(lab(p), { runDir: run.dir })).result?.ok).toBe(true);
        const primed = lastPrimeStats();
        expect(primed?.used).toBe(true);
        expect(primed?.readNs.sort()).toEqual([`${p}h1`, `${p}h2`]);
        // The root (the apply made its veth ends) is read after the writes too: whole, or by the links that changed.
        expect(['read', 'delta']).toContain(primed?.root);
        // Only stable reads are stored; whether a read was stable depends on the kernel's own timing.
        expect(primed?.stored).toBeLessThanOrEqual(3);
        expect((await planDocument(lab(p), { runDir: run.dir })).changes).toEqual([]);
      } finally {
        await destroyLab(lab(p).name, { runDir: run.dir }).catch(() => undefined);
        await cleanupPrefix(p);
        run.remove();
      }
    }, 60_000);
  },
);
