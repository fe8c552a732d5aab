/**
 * The resident engine (`netplumb engine`, engine-server.ts) with its real
 * client (bin/engine-client.js), as root: a command run through it prints,
 * exits and changes the kernel exactly as the same command run alone; it
 * gets the client's working directory and environment; Ctrl-C stops an
 * apply and rolls it back, a client gone stops it too, and a stop never
 * outlives its command; a rebuilt netplumb is declined and ends the engine;
 * a socket directory that is not root's alone is never used.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopRequested, whileStoppable } from '../kernel/interrupt';
import { useKernelLab } from '../kernel/test-support/lab-fixture';
import { classicLab } from '../kernel/test-support/labs';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';
import { fillLater } from '../kernel/live-read';
import { askEngine, ENGINE_SOCKET, engineDirProblem, startEngine, type RunningEngine } from './engine-server';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const CLIENT = join(import.meta.dirname, '../../bin/engine-client.js');
const root = isRoot();

/** A fresh directory for the engine's socket: root's, 0700. */
const socketDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'netplumb-engine-'));
  chmodSync(d, 0o700);
  return d;
};

/** The client alone, in a fresh node: prints NO-ENGINE or DECLINED when the command was not run there. */
function client(
  dir: string,
  dist: string,
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): ResultPromise<{ reject: false }> {
  const code = `const p = require(${JSON.stringify(CLIENT)}).viaEngine(process.argv[1], JSON.parse(process.argv[2]));
if (!p) console.log('NO-ENGINE');
else p.then((c) => { if (c === undefined) console.log('DECLINED'); else process.exitCode = c; });`;
  return execa(process.execPath, ['-e', code, dist, JSON.stringify(argv)], {
    reject: false,
    cwd: opts.cwd,
    env: { NETPLUMB_ENGINE_DIR: dir, ...opts.env },
  });
}

const until = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe.skipIf(!root)(`resident engine, protocol${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  let dir: string;
  let dist: string;
  let engine: RunningEngine | undefined;
  /** What the fake command does (set per test). */
  let command: (argv: readonly string[]) => Promise<number>;
  beforeEach(async () => {
    dir = socketDir();
    dist = mkdtempSync(join(tmpdir(), 'netplumb-engine-dist-'));
    writeFileSync(join(dist, 'cli.cjs'), '// a build\n');
    engine = await startEngine({ dir, dist, idleMs: 60_000, main: (argv) => command(argv) });
  });
  afterEach(async () => {
    engine?.stop('test over');
    await engine?.ended;
    rmSync(dir, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  });

  it("runs a command with the client's directory, environment and output, and gives all of them back after", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'netplumb-engine-cwd-'));
    const before = { cwd: process.cwd(), env: process.env.NP_ENGINE_TEST };
    command = async (argv) => {
      process.stdout.write(
        JSON.stringify({ argv, cwd: process.cwd(), v: process.env.NP_ENGINE_TEST }) + '\n',
      );
      process.stderr.write('to stderr\n');
      return 3;
    };
    try {
      const r = await client(dir, dist, ['status', 'x.yaml'], {
        cwd,
        env: { NP_ENGINE_TEST: 'from the client' },
      });
      expect(r.exitCode).toBe(3);
      expect(JSON.parse(r.stdout)).toEqual({ argv: ['status', 'x.yaml'], cwd, v: 'from the client' });
      expect(r.stderr).toBe('to stderr');
      expect({ cwd: process.cwd(), env: process.env.NP_ENGINE_TEST }).toEqual(before);
      expect(await askEngine(dir, { ping: true })).toMatchObject({ served: 1, busy: false });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("an apply's client is answered before the apply's cache filling ends; the next command starts only after it", async () => {
    let release: () => void = () => undefined;
    let filled = false;
    const order: string[] = [];
    command = async (argv) => {
      order.push(`start ${argv[0]}`);
      if (argv[0] === 'apply')
        // As applyDocument leaves its primeReads (engine.ts): kept for after the answer.
        await fillLater(
          new Promise<void>((r) => (release = r)).then(() => {
            filled = true;
            order.push('filled');
          }),
        );
      return argv[0] === 'apply' ? 0 : 4;
    };
    const first = await client(dir, dist, ['apply', 'x.yaml']);
    expect(first.exitCode).toBe(0);
    expect(filled).toBe(false);
    // Sent while the filling still runs: queued behind it, not run beside it.
    const second = client(dir, dist, ['status', 'x.yaml']);
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(['start apply']);
    // A client that waits is told it waits for the apply (whose filling it is).
    expect(await askEngine(dir, { ping: true })).toMatchObject({ busy: true, current: 'apply x.yaml' });
    release();
    expect((await second).exitCode).toBe(4);
    expect(order).toEqual(['start apply', 'filled', 'start status']);
    // Outside an engine (a command alone, the helper, a test), an apply waits for its filling.
    engine?.stop('test over');
    await engine?.ended;
    engine = undefined;
    let done = false;
    const waited = fillLater(new Promise<void>((r) => setTimeout(r, 50)).then(() => void (done = true)));
    await waited;
    expect(done).toBe(true);
  });

  it('Ctrl-C during an apply: the apply is told, stops, and its own exit code and words reach the client', async () => {
    let started = false;
    command = () =>
      whileStoppable(
        async () => {
          started = true;
          process.stdout.write('started\n');
          await until(() => stopRequested() !== undefined);
          return 2;
        },
        (why) => process.stderr.write(`${why}: rolling back\n`),
      );
    const c = client(dir, dist, ['apply', 'x.yaml']);
    await until(() => started);
    await new Promise((r) => setTimeout(r, 100));
    c.kill('SIGINT');
    const r = await c;
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('started');
    expect(r.stderr).toBe('Ctrl-C: rolling back');
    expect(stopRequested()).toBeUndefined();
  });

  it('a client that goes away stops its apply; Ctrl-C before any apply began ends the client and still stops one that begins', async () => {
    let seen: string | undefined;
    let started = false;
    command = async () => {
      started = true;
      await until(() => stopRequested() !== undefined);
      seen = stopRequested();
      return 0;
    };
    const killed = client(dir, dist, ['apply', 'x.yaml']);
    await until(() => started);
    killed.kill('SIGKILL');
    await killed;
    await until(() => seen !== undefined);
    expect(seen).toBe('the command was ended');

    // Not in a stoppable part: the client ends as Ctrl-C ends a process; the command still sees the stop.
    seen = undefined;
    started = false;
    const interrupted = client(dir, dist, ['apply', 'x.yaml']);
    await until(() => started);
    await new Promise((r) => setTimeout(r, 100));
    interrupted.kill('SIGINT');
    const r = await interrupted;
    expect(r.signal).toBe('SIGINT');
    await until(() => seen !== undefined);
    expect(seen).toBe('Ctrl-C');

    // The stop does not outlive its command.
    command = async () => (stopRequested() === undefined ? 0 : 9);
    expect((await client(dir, dist, ['plan', 'x.yaml'])).exitCode).toBe(0);
  });

  it('declines what it does not run; a rebuilt netplumb is declined and ends the engine', async () => {
    command = async () => 0;
    expect((await client(dir, dist, ['exec', 'lab', 'n', '--', 'true'])).stdout).toBe('NO-ENGINE');
    expect((await client(dir, join(dist, '..'), ['plan', 'x.yaml'])).stdout).toBe('DECLINED');
    expect((await client(dir, dist, ['plan', 'x.yaml'], { env: { NETPLUMB_ENGINE: 'off' } })).stdout).toBe(
      'NO-ENGINE',
    );
    writeFileSync(join(dist, 'cli.cjs'), '// another build, longer than the first\n');
    expect((await client(dir, dist, ['plan', 'x.yaml'])).stdout).toBe('DECLINED');
    expect(await engine!.ended).toBe('netplumb was built again');
    expect(existsSync(join(dir, ENGINE_SOCKET))).toBe(false);
    engine = undefined;
  });

  it('output crosses whole: multi-byte characters on every read boundary arrive unchanged', async () => {
    // 3-byte characters after an odd number of ASCII bytes land across 64 KiB reads somewhere.
    const text = ('✓ lab … ünïcode ' + 'x'.repeat(7)).repeat(20_000) + '\n';
    command = async () => {
      process.stdout.write(text);
      return 0;
    };
    const r = await execa(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(CLIENT)}).viaEngine(process.argv[1], ['plan', 'x']).then((c) => (process.exitCode = c));`,
        dist,
      ],
      { reject: false, env: { NETPLUMB_ENGINE_DIR: dir }, stripFinalNewline: false },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout === text, `${r.stdout.length} characters vs ${text.length}`).toBe(true);
  });

  it('a command behind another waits for it and then runs; one in another network namespace or naming /dev/stdin runs alone', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    command = async (argv) => {
      order.push(`start ${argv[0]}`);
      if (argv[0] === 'apply') await gate;
      order.push(`end ${argv[0]}`);
      return 0;
    };
    const first = client(dir, dist, ['apply', 'x.yaml']);
    await until(() => order.length > 0);
    const second = client(dir, dist, ['status', 'x.yaml']);
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(['start apply']);
    release();
    expect((await first).exitCode).toBe(0);
    expect((await second).exitCode).toBe(0);
    expect(order).toEqual(['start apply', 'end apply', 'start status', 'end status']);
    // Another network namespace: declined, so the client runs the command itself.
    const ns = `npe${process.pid}`;
    await execa('ip', ['netns', 'add', ns]);
    try {
      const code = `require(${JSON.stringify(CLIENT)}).viaEngine(process.argv[1], ['plan', 'x']).then((c) => console.log(c === undefined ? 'DECLINED' : c));`;
      const r = await execa('ip', ['netns', 'exec', ns, process.execPath, '-e', code, dist], {
        reject: false,
        env: { NETPLUMB_ENGINE_DIR: dir, NETPLUMB_DEBUG: '1' },
      });
      expect(r.stdout).toBe('DECLINED');
      expect(r.stderr).toContain('network namespace');
    } finally {
      await execa('ip', ['netns', 'delete', ns]);
    }
    expect((await client(dir, dist, ['apply', '/dev/stdin'])).stdout).toBe('NO-ENGINE');
  });

  it('an engine that does not answer is not waited for: the client runs the command itself', async () => {
    engine!.stop('replaced by a silent one');
    await engine!.ended;
    engine = undefined;
    const conns: import('node:net').Socket[] = [];
    // Reads what it is sent and never answers.
    const silent = (await import('node:net')).createServer((c) => void conns.push(c.resume()));
    await new Promise<void>((r) => silent.listen(join(dir, ENGINE_SOCKET), () => r()));
    try {
      const t = Date.now();
      const r = await client(dir, dist, ['plan', 'x.yaml']);
      expect(r.stdout).toBe('DECLINED');
      expect(Date.now() - t).toBeLessThan(30_000);
    } finally {
      for (const c of conns) c.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("a socket directory that is not root's alone is never used, and the engine does not start in one", async () => {
    command = async () => 0;
    chmodSync(dir, 0o755);
    expect((await client(dir, dist, ['plan', 'x.yaml'])).stdout).toBe('NO-ENGINE');
    chmodSync(dir, 0o700);
    chownSync(dir, 65534, 65534);
    expect((await client(dir, dist, ['plan', 'x.yaml'])).stdout).toBe('NO-ENGINE');
    chownSync(dir, 0, 0);
    expect((await client(dir, dist, ['plan', 'x.yaml'])).exitCode).toBe(0);
    // A directory above it that another user may change: not used either.
    const parent = join(dir, '..');
    const mode = (await import('node:fs')).statSync(parent).mode & 0o7777;
    chmodSync(parent, 0o777);
    try {
      expect((await client(dir, dist, ['plan', 'x.yaml'])).stdout).toBe('NO-ENGINE');
    } finally {
      chmodSync(parent, mode);
    }
    const open = socketDir();
    chmodSync(open, 0o711);
    try {
      await expect(startEngine({ dir: open, dist, idleMs: 1000, main: async () => 0 })).rejects.toThrow(
        /open to other users/,
      );
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
    // The engine judges a directory as its client does (two copies of one rule: bin/ is plain JavaScript).
    const { unsafeDir } = createRequire(import.meta.url)(CLIENT) as {
      unsafeDir: (d: string) => string | undefined;
    };
    const cases = socketDir();
    try {
      const mk = (name: string, mode: number, uid = 0) => {
        const d = join(cases, name);
        mkdirSync(d);
        chmodSync(d, mode);
        chownSync(d, uid, uid);
        return d;
      };
      const ok = mk('ok', 0o700);
      const open2 = mk('open', 0o750);
      const users = mk('users', 0o700, 65534);
      const wide = mk('wide', 0o777);
      const under = join(wide, 'below');
      mkdirSync(under, { mode: 0o700 });
      const sticky = mk('sticky', 0o1777);
      const inSticky = join(sticky, 'below');
      mkdirSync(inSticky, { mode: 0o700 });
      const link = join(cases, 'link');
      symlinkSync(ok, link);
      for (const [d, safe] of [
        [ok, true],
        [open2, false],
        [users, false],
        [under, false],
        [inSticky, true],
        [link, false],
        [join(cases, 'missing'), false],
      ] as const) {
        expect(unsafeDir(d) === undefined, `client on ${d}`).toBe(safe);
        expect(engineDirProblem(d) === undefined, `engine on ${d}`).toBe(safe);
      }
    } finally {
      rmSync(cases, { recursive: true, force: true });
    }
    // A second engine on the same socket is refused while the first answers.
    await expect(startEngine({ dir, dist, idleMs: 1000, main: async () => 0 })).rejects.toThrow(
      /already runs/,
    );
  });
});

describe.skipIf(!root)(`resident engine, real kernel${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  const lab = useKernelLab({ beforeEach, afterEach });
  let dir: string;
  beforeEach(() => {
    dir = socketDir();
  });
  afterEach(async () => {
    await execa(process.execPath, [BIN, 'engine', 'stop'], {
      reject: false,
      env: { NETPLUMB_ENGINE_DIR: dir },
    });
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (engine: boolean, ...args: string[]) =>
    execa(process.execPath, [BIN, ...args], {
      reject: false,
      cwd: lab.run.dir,
      env: { NETPLUMB_ENGINE_DIR: dir, NETPLUMB_ENGINE: engine ? 'on' : 'off', NO_COLOR: '1' },
    });
  const served = async () =>
    JSON.parse((await cli(true, 'engine', 'status', '--json')).stdout) as {
      running: boolean;
      served?: number;
    };

  it('plan, apply, status, list and destroy through the engine say and do what they do alone', async () => {
    const start = await cli(true, 'engine', 'start', '--idle', '2');
    expect(start.exitCode, start.stderr).toBe(0);
    expect(await served()).toMatchObject({ running: true, served: 0 });
    writeFileSync(join(lab.run.dir, 'lab.json'), JSON.stringify(classicLab(lab.p)));
    writeFileSync(
      join(lab.run.dir, 'bad.yaml'),
      `version: 1\nname: ${lab.p}-bad\nnodes:\n  - { name: x, kind: nope }\n`,
    );
    const same = async (...args: string[]) => {
      const alone = await cli(false, ...args);
      const via = await cli(true, ...args);
      expect({ code: via.exitCode, out: via.stdout, err: via.stderr }, args.join(' ')).toEqual({
        code: alone.exitCode,
        out: alone.stdout,
        err: alone.stderr,
      });
      return via;
    };
    // A file named relative to the client's directory.
    expect((await same('validate', 'bad.yaml')).exitCode).toBe(1);
    expect((await same('plan', 'lab.json')).exitCode).toBe(3);
    const apply = await cli(true, 'apply', 'lab.json');
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Applied lab ".*": \d+ changes/);
    const ping = await execa('ip', ['netns', 'exec', `${lab.p}a`, 'ping', '-c1', '-W2', '10.0.0.2'], {
      reject: false,
    });
    expect(ping.exitCode).toBe(0);
    expect((await same('status', 'lab.json', '--json')).exitCode).toBe(0);
    await execa('ip', ['link', 'set', 'dev', `${lab.p}p1`, 'down']);
    const drift = await same('status', 'lab.json');
    expect(drift.exitCode).toBe(3);
    expect(drift.stdout).toContain(`${lab.p}p1 in the root namespace is down, the file says up`);
    expect((await cli(true, 'apply', 'lab.json')).exitCode).toBe(0);
    expect((await same('plan', 'lab.json')).exitCode).toBe(0);
    const list = JSON.parse((await cli(true, 'list', '--json')).stdout);
    expect(list.labs.map((l: { name: string }) => l.name)).toContain(`${lab.p}-classic`);
    expect((await cli(true, 'destroy', `${lab.p}-classic`)).exitCode).toBe(0);
    expect((await same('status', 'lab.json')).stdout).toContain('is not applied');
    // Every one of those ran in the engine (each `same` once through it).
    expect((await served()).served).toBe(10);
    const stop = await cli(true, 'engine', 'stop');
    expect(stop.stdout).toContain('has ended');
    expect(await served()).toEqual({ running: false });
    expect(existsSync(join(dir, ENGINE_SOCKET))).toBe(false);
  });

  it('is root only, and says so', async () => {
    const r = await execa(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'engine', 'start'],
      {
        reject: false,
        env: { NETPLUMB_ENGINE_DIR: dir },
      },
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("runs root's commands only");
  });
});
