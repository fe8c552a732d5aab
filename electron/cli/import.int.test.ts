/**
 * `netplumb import` as a user runs it on other tools' labs: warnings at the
 * file:line of the lab's own files, one plain message for a file of the
 * wrong format, --prefix; and on the real kernel (root) an imported Kathará
 * two-router lab, a Kathará lab with a machine made a switch by its startup
 * file, and an imported MiniEdit switch lab apply and ping end to end, then
 * are destroyed leaving nothing behind.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostSnapshot, useKernelLab } from '../kernel/test-support/lab-fixture';
import { isRoot, NOT_ROOT_REASON } from '../kernel/test-support/scratch-netns';

const BIN = join(import.meta.dirname, '../../bin/netplumb.js');
const FIX = join(import.meta.dirname, '../../shared/formats/__fixtures__');
const lab = useKernelLab({ beforeEach, afterEach });
const cli = (...args: string[]) =>
  execa(process.execPath, [BIN, ...args], {
    reject: false,
    env: { NETPLUMB_RUN_DIR: lab.run.dir, NO_COLOR: '1' },
  });

describe('netplumb import (no kernel)', () => {
  it('names each loss at the lab file it is in, with the folder', async () => {
    const conf = join(FIX, 'kathara', 'campus-ext', 'lab.conf');
    const r = await cli('import', conf);
    expect(r.exitCode).toBe(0);
    const dir = join(FIX, 'kathara', 'campus-ext');
    expect(r.stderr).toContain(
      `${join(dir, 'r1.startup')}:5:1: warning: machine "r1": "systemctl start frr"`,
    );
    expect(r.stderr).toContain(`${join(dir, 'lab.ext')}:2:1: warning:`);
    expect(parse(r.stdout)).toMatchObject({ name: 'campus-ext' });
  });

  it('says once that a file of another format is not a lab.conf', async () => {
    const r = await cli('import', '--from', 'kathara', join(FIX, 'core', 'two-routers.xml'));
    expect(r.exitCode).toBe(1);
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => /warning|error:/.test(l)),
    ).toEqual([expect.stringMatching(/error: this is not a lab\.conf \(it looks like XML\)/)]);
  });

  it('--json gives the lab and every located problem as JSON; a lab with errors is not written', async () => {
    const conf = join(FIX, 'kathara', 'campus-ext', 'lab.conf');
    const r = await cli('import', conf, '--json');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      ok: true,
      format: 'kathara',
      lab: 'campus-ext',
      topology: { name: 'campus-ext' },
    });
    expect(j.problems).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: join(FIX, 'kathara', 'campus-ext', 'lab.ext'),
        line: 2,
      }),
    );
    expect(r.stderr).toBe('');
    const dir = lab.run.dir;
    const src = join(dir, 'bad.clab.yml');
    writeFileSync(
      src,
      'name: bad\ntopology:\n  nodes:\n    a: {kind: linux}\n  links:\n    - endpoints: ["a:eth1", "zz:eth1"]\n',
    );
    const out = join(dir, 'bad.yaml');
    const bad = await cli('import', src, '-o', out);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/node "zz" is not in topology\.nodes/);
    expect(bad.stderr).toMatch(/nothing was written/);
    expect(existsSync(out)).toBe(false);
    const badJson = await cli('import', src, '--json');
    expect(JSON.parse(badJson.stdout)).toMatchObject({
      ok: false,
      problems: [expect.objectContaining({ severity: 'error' })],
    });
  });

  it('--prefix prefixes namespaces, bridges and the lab name; a bad prefix is refused', async () => {
    const r = await cli('import', join(FIX, 'miniedit', 'pingall-switches.mn'), '--prefix', 'zq1-');
    expect(r.exitCode).toBe(0);
    const t = parse(r.stdout);
    expect(t.name).toBe('zq1-miniedit-pingall-switches');
    expect(t.nodes.map((n: { name: string }) => n.name)).toEqual([
      'zq1-h1',
      'zq1-h2',
      'zq1-h3',
      'zq1-h4',
      'zq1-s1',
      'zq1-s2',
    ]);
    const bad = await cli('import', join(FIX, 'miniedit', 'pingall-switches.mn'), '--prefix', '-x');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('--prefix');
  });
});

describe.skipIf(!isRoot())(
  `imported labs on the real kernel${isRoot() ? '' : ` (skipped: ${NOT_ROOT_REASON})`}`,
  () => {
    /** Imports with the test's unique prefix, applies, runs `check`, destroys; the host is left as it was. */
    async function importApplyPing(source: string, pings: [string, string][]) {
      const before = await hostSnapshot(lab.p);
      const out = join(lab.run.dir, 'imported.yaml');
      const imp = await cli('import', source, '--prefix', lab.p, '-o', out);
      expect(imp.exitCode, imp.stderr).toBe(0);
      const name = parse((await execa('cat', [out])).stdout).name as string;
      try {
        const a = await cli('apply', out, '--quiet');
        expect(a.exitCode, a.stderr).toBe(0);
        // importing it again with the same prefix would take the same namespaces: the import says so
        const again = await cli('import', source, '--prefix', lab.p);
        expect(again.stderr).toMatch(
          /already exists? on this host; to run this lab beside them, import with --prefix/,
        );
        for (const [from, to] of pings) {
          const p = await cli('ping', name, from, to, '--count', '2');
          expect(p.exitCode, `${from} -> ${to}: ${p.stdout}${p.stderr}`).toBe(0);
        }
      } finally {
        const d = await cli('destroy', name);
        expect(d.exitCode, d.stderr).toBe(0);
      }
      expect(await hostSnapshot(lab.p)).toEqual(before);
    }

    it('a Kathará two-router lab routes from LAN to LAN (machines forward by default)', async () => {
      await importApplyPing(join(FIX, 'kathara', '02-two-routers', 'lab.conf'), [
        ['pc1', '10.10.2.10'],
        ['pc2', '10.10.1.10'],
      ]);
    }, 120_000);

    it('a Kathará lab whose switch is a machine with a Linux bridge in its startup file forwards between its hosts', async () => {
      await importApplyPing(join(FIX, 'kathara', '03-switch', 'lab.conf'), [
        ['pc1', '10.0.0.2'],
        ['pc3', '10.0.0.1'],
        ['pc2', '10.0.0.254'],
      ]);
    }, 120_000);

    it('a MiniEdit switch lab reaches every host by its ipBase address', async () => {
      await importApplyPing(join(FIX, 'miniedit', 'pingall-switches.mn'), [
        ['h1', '10.0.0.2'],
        ['h1', '10.0.0.3'],
        ['h2', '10.0.0.44'],
      ]);
    }, 120_000);
  },
);
