/**
 * The live-lab commands as a user runs them (real kernel, root): exec passes
 * the command's exit code through, ping and check exit 0 or 4, refusals exit
 * 1, --json is machine-readable.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupPrefix, tempRunDir, uniquePrefix } from '../kernel/test-support/lab-fixture';
import { classicLab } from '../kernel/test-support/labs';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const root = isRoot();
const p = uniquePrefix();
const run = tempRunDir();
const lab = `${p}-classic`;
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { NETPLUMB_RUN_DIR: run.dir, NO_COLOR: '1' },
  });
const file = (name: string, doc: unknown) => {
  const f = join(run.dir, name);
  writeFileSync(f, stringify(doc));
  return f;
};

describe.skipIf(!root)(
  `netplumb exec/ping/check/tables/trace${root ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    let good = '';
    let bad = '';
    beforeAll(async () => {
      const doc = classicLab(p);
      good = file('good.yaml', {
        ...doc,
        expect: [
          { from: 'ns1', to: 'ns2' },
          { from: 'ns2', to: '10.0.0.1' },
          { from: 'ns1', to: '10.0.9.9', reach: false },
        ],
      });
      bad = file('bad.yaml', {
        ...doc,
        expect: [
          { from: 'ns1', to: 'ns2' },
          { from: 'ns1', to: 'ns2', reach: false },
        ],
      });
      const a = await cli('apply', good, '--quiet');
      expect(a.stderr).toBe('');
      expect(a.exitCode).toBe(0);
    }, 120_000);
    afterAll(async () => {
      try {
        await cli('destroy', lab);
      } finally {
        await cleanupPrefix(p);
        run.remove();
      }
    }, 180_000);

    it("exec runs in the node's namespace and passes the exit code through", async () => {
      const r = await cli('exec', lab, 'ns1', '--', 'ip', '-br', 'addr', 'show', 'dev', 'eth0');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/eth0@\S+\s+UP\s+10\.0\.0\.1\/24/);
      expect((await cli('exec', lab, 'ns2', '--', 'sh', '-c', 'exit 7')).exitCode).toBe(7);
    });

    it("exec refuses nodes that are not the lab's namespaces", async () => {
      const br = await cli('exec', lab, 'br0', '--', 'true');
      expect(br.exitCode).toBe(1);
      expect(br.stderr).toMatch(/not a namespace or router/);
      expect((await cli('exec', lab, 'nope', '--', 'true')).exitCode).toBe(1);
      expect((await cli('exec', 'no-such-lab', 'ns1', '--', 'true')).stderr).toMatch(/not applied/);
      expect((await cli('exec', lab, 'ns1')).exitCode).toBe(1);
    });

    it("LAB may also be the lab's file; what is neither a file nor a lab name is refused in plain words", async () => {
      const r = await cli('exec', good, 'ns1', '--', 'ip', '-br', 'addr', 'show', 'dev', 'eth0');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/10\.0\.0\.1\/24/);
      expect((await cli('tables', good, 'ns2', '--json')).exitCode).toBe(0);
      for (const cmd of [
        ['exec', 'ns1', '--', 'true'],
        ['ping', 'ns1', 'ns2'],
        ['tables', 'ns1'],
      ]) {
        const missing = await cli(cmd[0], join(run.dir, 'missing.yaml'), ...cmd.slice(1));
        expect(missing.exitCode).toBe(1);
        expect(missing.stderr).toMatch(/neither a readable file nor a lab name/);
        expect(missing.stderr).not.toMatch(/term-open|malformed/);
      }
    });

    it('ping exits 0 with a reply, 4 without, 1 for an address outside the lab', async () => {
      const ok = await cli('ping', lab, 'ns1', 'ns2', '--count', '2');
      expect(ok.exitCode).toBe(0);
      expect(ok.stdout).toMatch(/reached ns2|reached .*10\.0\.0\.2.*2\/2 replies/);
      expect((await cli('ping', lab, 'ns1', '10.0.0.123', '--count', '1')).exitCode).toBe(4);
      const out = await cli('ping', lab, 'ns1', '8.8.8.8');
      expect(out.exitCode).toBe(1);
      expect(out.stderr).toMatch(/outside/);
      const j = JSON.parse((await cli('ping', lab, 'ns2', 'ns1', '--count', '1', '--json')).stdout);
      expect(j).toMatchObject({ to: '10.0.0.1', sent: 1, received: 1, reached: true });
    });

    it('check prints PASS per line and exits 0; a failing expectation prints FAIL and exits 4', async () => {
      const g = await cli('check', good);
      expect(g.exitCode).toBe(0);
      expect(g.stdout.split('\n').filter((l) => l.startsWith('PASS'))).toHaveLength(3);
      const b = await cli('check', bad);
      expect(b.exitCode).toBe(4);
      expect(b.stdout).toMatch(/^PASS .*reaches/m);
      expect(b.stdout).toMatch(/^FAIL .*does not reach .*expected no reply, but it answered/m);
      const j = JSON.parse((await cli('check', bad, '--json')).stdout);
      expect(j.results.map((r: { status: string }) => r.status)).toEqual(['pass', 'fail']);
    });

    it('check exits 1 for a file that does not exist or a lab that is not applied', async () => {
      expect((await cli('check', join(run.dir, 'missing.yaml'))).exitCode).toBe(1);
      const other = file('other.yaml', { ...classicLab(`${p}x`), expect: [{ from: 'ns1', to: 'ns2' }] });
      const r = await cli('check', other);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/not applied/);
    });

    it('tables shows the bridge FDB; trace explains one ping', async () => {
      const t = await cli('tables', lab, 'br0', '--json');
      expect(t.exitCode).toBe(0);
      expect(JSON.parse(t.stdout).fdb.length).toBeGreaterThan(0);
      const tr = await cli('trace', good, 'ns1', 'ns2');
      expect(tr.exitCode).toBe(0);
      expect(tr.stdout).toMatch(/broadcasts an ARP request/);
      expect(tr.stdout).toMatch(/floods the ARP request/);
      expect(tr.stdout).toMatch(/learned: .*FDB/);
    });
  },
);
