/**
 * Faults around an apply (issue 11 item 7), on the real kernel:
 * - `netplumb serve` or the privileged helper killed in the middle of an
 *   apply: the next command on the lab finishes the rollback;
 * - the app (serve) and the CLI applying one lab at once: one wins, the
 *   other is told who holds the lab (what it is and its pid);
 * - a journal that cannot be written: refused before the first change.
 * serve and the helper use the fixed run directory (/run/netplumb) as they
 * do in real use; every lab and kernel name is unique to the test.
 */
import { mkdirSync, mkdtempSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyDocument, destroyLab, planDocument, statusDocument } from './engine';
import { LabStore, ROOT_RUN_DIR, type Journal, type JournalEntry } from './lab-store';
import { cleanupPrefix, hostSnapshot, uniquePrefix } from './test-support/lab-fixture';
import { classicLab, richLab } from './test-support/labs';
import { isRoot, NOT_ROOT_REASON } from './test-support/scratch-netns';

const root = isRoot();
const HERE = import.meta.dirname;
const BIN = join(HERE, '../../bin/netplumb.js');
const tsx = (script: string, ...args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', join(HERE, script), ...args], { reject: false, buffer: true });
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], { reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });

let p = '';
let tmp = '';
const children: ResultPromise[] = [];
beforeEach(() => {
  p = uniquePrefix();
  tmp = mkdtempSync(join(tmpdir(), 'np-faults-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await c.catch(() => undefined);
  }
  for (const lab of [`${p}-classic`, `${p}-rich`]) await destroyLab(lab).catch(() => undefined);
  await cleanupPrefix(p);
  rmSync(tmp, { recursive: true, force: true });
});

const journalOf = (lab: string) => join(ROOT_RUN_DIR, 'labs', lab, 'journal.jsonl');
const waitFor = async (what: string, ok: () => boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** Starts serve-child.ts, signs in with its one-time link; resolves with the process and an open socket. */
async function startServe(extra: string[] = []) {
  const render = join(tmp, 'render');
  mkdirSync(render, { recursive: true });
  writeFileSync(join(render, 'index.html'), '<!doctype html>');
  const child = tsx('test-support/serve-child.ts', render, ...extra);
  children.push(child);
  const info = await new Promise<{ port: number; url: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    void child.then((r) => reject(new Error(`serve exited early: ${r.stderr}`)));
  });
  const cookie = await new Promise<string>((resolve, reject) =>
    http
      .get(info.url, (res) => (res.resume(), resolve((res.headers['set-cookie'] ?? [''])[0].split(';')[0])))
      .on('error', reject),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${info.port}/api`, {
    origin: `http://127.0.0.1:${info.port}`,
    headers: { Cookie: cookie },
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { child, ws };
}

/** Sends topology:apply over the socket; resolves with the response. */
function applyOver(
  ws: WebSocket,
  topology: object,
): Promise<{ ok: boolean; value?: { result?: { ok: boolean } }; error?: string }> {
  return new Promise((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.id === 7) resolve(m.result);
    });
    ws.send(JSON.stringify({ id: 7, channel: 'topology:apply', request: { topology } }));
  });
}

describe.skipIf(!root)(`faults during an apply${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`, () => {
  it('netplumb serve killed in the middle of an apply: the next CLI command finishes the rollback', async () => {
    const doc = richLab(p);
    const before = await hostSnapshot(p);
    const docFile = join(tmp, 'doc.json');
    writeFileSync(docFile, JSON.stringify(doc));
    const plan = await planDocument(doc);
    const k = Math.floor(plan.changes.length / 2);
    const { child, ws } = await startServe([docFile, String(k), join(tmp, 'paused'), join(tmp, 'never')]);
    void applyOver(ws, doc);
    await waitFor('the apply to reach the middle', () => existsSync(join(tmp, 'paused')));
    child.kill('SIGKILL');
    await child;
    expect(existsSync(journalOf(doc.name))).toBe(true);
    expect(await hostSnapshot(p)).not.toEqual(before);
    const r = await cli('status', docFile);
    expect(r.stderr).toMatch(
      new RegExp(
        `note: An apply of lab "${doc.name}" \\(pid \\d+, .*\\) was interrupted after \\d+ of ${plan.changes.length} steps; rolling it back first`,
      ),
    );
    expect(existsSync(journalOf(doc.name))).toBe(false);
    expect(await hostSnapshot(p)).toEqual(before);
  }, 120_000);

  it('the privileged helper killed in the middle of an apply: the next command finishes the rollback', async () => {
    const doc = richLab(p);
    const before = await hostSnapshot(p);
    const helper = tsx('privileged-helper.ts');
    children.push(helper);
    let out = '';
    helper.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // The first progress event: the root batch is done, the namespaces' batches are next.
      if (/"event":"progress"/.test(out)) helper.kill('SIGKILL');
    });
    helper.stdin!.write(JSON.stringify({ id: 1, op: 'apply', args: { topology: doc } }) + '\n');
    const r = await helper;
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(journalOf(doc.name)), 'the apply was still running when the helper was killed').toBe(
      true,
    );
    const notices: string[] = [];
    const s = await statusDocument(doc, { onNotice: (m) => notices.push(m) });
    expect(notices[0]).toMatch(
      new RegExp(`An apply of lab "${doc.name}" .* was interrupted after \\d+ of \\d+ steps`),
    );
    expect(s.applied).toBe(false);
    expect(await hostSnapshot(p)).toEqual(before);
  }, 120_000);

  it('the app (serve) and the CLI apply one lab at once: one wins, the other is told who holds the lab', async () => {
    const doc = classicLab(p);
    const docFile = join(tmp, 'doc.json');
    writeFileSync(docFile, JSON.stringify(doc));
    const plan = await planDocument(doc);
    const release = join(tmp, 'release');
    const { child, ws } = await startServe([
      docFile,
      String(plan.changes.length - 1),
      join(tmp, 'paused'),
      release,
    ]);
    const served = applyOver(ws, doc);
    await waitFor('serve to hold the lab', () => existsSync(join(tmp, 'paused')));
    const r = await cli('apply', docFile);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `Lab "${doc.name}" is being changed by netplumb serve \\(browser mode\\) \\(pid ${child.pid}, since [0-9T:.Z-]+\\)\\. Wait for it to finish, then try again\\.`,
      ),
    );
    writeFileSync(release, '');
    const won = await served;
    expect(won.ok && won.value?.result?.ok).toBe(true);
    expect((await cli('status', docFile)).exitCode).toBe(0);
  }, 120_000);
});

describe.skipIf(!root)(
  `a journal that cannot be written${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    const mounts: string[] = [];
    afterEach(async () => {
      for (const m of mounts.splice(0)) await execa('umount', [m], { reject: false });
    });
    const tmpfs = async (opts: string) => {
      const dir = join(tmp, `mnt${mounts.length}`);
      mkdirSync(dir);
      await execa('mount', ['-t', 'tmpfs', '-o', `${opts},mode=0700`, 'tmpfs', dir]);
      mounts.push(dir);
      return dir;
    };

    it('a read-only run directory: refused in plain words before the first change', async () => {
      const doc = classicLab(p);
      const runDir = await tmpfs('ro');
      const before = await hostSnapshot(p);
      await expect(applyDocument(doc, { runDir })).rejects.toThrow(
        new RegExp(
          `could not take the lock of lab "${doc.name}" in ${runDir} \\(EROFS: read-only file system.*Nothing was changed`,
        ),
      );
      expect(await hostSnapshot(p)).toEqual(before);
    });

    it('a full disk: the journal cannot be started, so the apply is refused and nothing changes', async () => {
      const doc = classicLab(p);
      // One page: the lock file takes it, the journal's first entry finds no space.
      const runDir = await tmpfs('size=4k');
      const before = await hostSnapshot(p);
      const r = await applyDocument(doc, { runDir });
      expect(r.result).toBeUndefined();
      expect(r.problems.map((x) => x.code)).toContain('journal-unwritable');
      expect(r.problems.find((x) => x.code === 'journal-unwritable')?.message).toMatch(
        new RegExp(
          `could not write the journal of lab "${doc.name}" in ${runDir} \\(ENOSPC: .*\\)\\. Without a journal an interrupted apply could not be undone, so nothing was changed\\.`,
        ),
      );
      expect(await hostSnapshot(p)).toEqual(before);
      expect(new LabStore(runDir).readJournal(doc.name)).toBeNull();
    });

    it('a journal that fails part way: the apply stops before the next step and rolls back', async () => {
      const doc = richLab(p);
      const before = await hostSnapshot(p);
      const runDir = join(tmp, 'run');
      // Injected: the store's journal accepts its first three entries, then the disk is "full".
      class FillingStore extends LabStore {
        override openJournal(lab: string): Journal {
          const real = super.openJournal(lab);
          let n = 0;
          const write = (e: JournalEntry) => {
            if (++n > 3)
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            real.write(e);
          };
          return {
            write,
            tryWrite: (e) => {
              try {
                write(e);
                return undefined;
              } catch (err) {
                return (err as Error).message;
              }
            },
            close: (remove) => real.close(remove),
          };
        }
      }
      const r = await applyDocument(doc, { store: new FillingStore(runDir) });
      expect(r.result?.ok).toBe(false);
      expect(r.result?.error).toMatch(
        /the journal could not be written \(ENOSPC: no space left on device, write\), so netplumb stopped before this step/,
      );
      expect(r.result?.error).toMatch(/the host is as it was/);
      expect(await hostSnapshot(p)).toEqual(before);
    }, 60_000);
  },
);
