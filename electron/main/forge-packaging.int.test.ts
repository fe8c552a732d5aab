/**
 * The deb and rpm makers carry the privileged helper: the maker configuration
 * names maintainer scripts that exist and are valid sh, the sudo rule they
 * write is the one `netplumb helper install` writes, and a deb built (without
 * the Electron binary: a stand-in packaged app) holds the launcher, the bundle
 * and the policy, root-owned, with the scripts as its postinst/prerm.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../forge.config';
import { helperPackageFiles } from '../../scripts/package-helper';
import { contentExcluded, contentPackageFiles } from '../../scripts/package-content';
import { handlers, type HandlerContext } from '../kernel/handlers';
import { sudoersRule } from '../kernel/install/paths';

const root = path.resolve(import.meta.dirname, '../..');
type Maker = {
  name: string;
  configOrConfigFetcher: { options: Record<string, unknown> };
  prepareConfig(arch: string): Promise<void>;
  make(o: object): Promise<string[]>;
};
const maker = (name: string) =>
  config.makers!.find((m) => (m as unknown as Maker).name === name) as unknown as Maker;
const has = (tool: string) =>
  ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].some((d) => existsSync(path.join(d, tool)));
const tmp = mkdtempSync(path.join(tmpdir(), 'np-build-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A packaged app as electron-packager lays it out, with a stand-in for the Electron binary. */
function fakePackagedApp(): string {
  const dir = path.join(tmp, 'netplumb-linux-x64');
  mkdirSync(path.join(dir, 'resources', 'app'), { recursive: true });
  writeFileSync(path.join(dir, 'netplumb'), '#!/bin/sh\n');
  chmodSync(path.join(dir, 'netplumb'), 0o755);
  writeFileSync(path.join(dir, 'version'), '40.10.2');
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  writeFileSync(
    path.join(dir, 'resources', 'app', 'package.json'),
    readFileSync(path.join(root, 'package.json')),
  );
  for (const r of config.packagerConfig!.extraResource as string[])
    cpSync(path.join(root, r), path.join(dir, 'resources', path.basename(r)), { recursive: true });
  return dir;
}

/** The stand-in packaged app after Forge's own packageAfterExtract hook (helper, lessons, activities). */
async function packagedApp(): Promise<string> {
  const dir = fakePackagedApp();
  await (
    config.hooks!.packageAfterExtract as (c: unknown, buildPath: string, ...rest: string[]) => Promise<void>
  )(config, dir, '40.10.2', 'linux', 'x64');
  return dir;
}

describe('packaging: the makers carry the helper', () => {
  it('deb and rpm name maintainer scripts that exist and are valid sh', () => {
    const deb = maker('deb').configOrConfigFetcher.options.scripts as Record<string, string>;
    const rpm = maker('rpm').configOrConfigFetcher.options.scripts as Record<string, string>;
    expect(Object.keys(deb).sort()).toEqual(['postinst', 'prerm']);
    expect(Object.keys(rpm).sort()).toEqual(['post', 'preun']);
    for (const f of [...Object.values(deb), ...Object.values(rpm)]) {
      expect(existsSync(f), f).toBe(true);
      execFileSync('sh', ['-n', f]);
    }
    for (const r of config.packagerConfig!.extraResource as string[])
      expect(existsSync(path.join(root, r)), r).toBe(true);
  });

  it('postinst writes the same sudo rule as `netplumb helper install`, checks it with visudo, and creates the group', () => {
    const postinst = readFileSync(path.join(root, 'packaging', 'postinst'), 'utf8');
    const rule = sudoersRule()
      .split('\n')
      .find((l) => l.startsWith('%'))!;
    expect(postinst.split('\n')).toContain(rule);
    expect(postinst).toMatch(/visudo -cf "\$tmp"/);
    expect(postinst).toMatch(/groupadd --system netplumb/);
    expect(readFileSync(path.join(root, 'packaging', 'prerm'), 'utf8')).toMatch(
      /rm -f \/etc\/sudoers.d\/netplumb/,
    );
  });

  it('copies the launcher (0755), the bundle and node-pty into the packaged app root', () => {
    const files = helperPackageFiles(root);
    expect(files.map(([, rel]) => rel)).toEqual(
      expect.arrayContaining(['netplumb-helper', 'privileged-helper.mjs']),
    );
    for (const [src] of files) expect(existsSync(src), src).toBe(true);
    expect(files.find(([, rel]) => rel === 'netplumb-helper')?.[2]).toBe(0o755);
    // nsread ships prebuilt (executable) whenever the build had a compiler, so the package needs none.
    const nsread = files.find(([, rel]) => rel === 'nsread');
    expect(nsread?.[2]).toBe(existsSync(path.join(root, 'dist', 'nsread')) ? 0o755 : undefined);
  });

  it('ships lessons, activities and examples in resources/, answer keys and solutions never, and the app finds them there', async () => {
    expect(contentExcluded('1-bridge.key.yaml')).toMatch(/answer key/);
    expect(contentExcluded('1-bridge.solution.yaml')).toMatch(/solution/);
    expect(contentExcluded('1-bridge.yaml')).toBeNull();
    const shipped = contentPackageFiles(root).map(([, rel]) => rel);
    expect(shipped).toEqual(
      expect.arrayContaining(['resources/activities/1-bridge.yaml', 'resources/lessons/1-linux-bridge.yaml']),
    );
    const dir = await packagedApp();
    const res = path.join(dir, 'resources');
    const onDisk = readdirSync(path.join(res, 'activities'));
    expect(onDisk.filter((f) => /\.(key|solution)\.ya?ml$/.test(f))).toEqual([]);
    expect(onDisk.filter((f) => /^\d+-[a-z-]+\.yaml$/.test(f)).sort()).toEqual(
      readdirSync(path.join(root, 'activities'))
        .filter((f) => /^\d+-[a-z-]+\.yaml$/.test(f))
        .sort(),
    );
    // The packaged main process sets examplesDir to resources/examples; lessons and activities are found beside it.
    const ctx = { examplesDir: path.join(res, 'examples') } as HandlerContext;
    expect((await handlers['examples:list']({}, ctx)).examples.length).toBeGreaterThan(0);
    expect((await handlers['lessons:list']({}, ctx)).lessons.length).toBe(
      readdirSync(path.join(root, 'lessons')).filter((f) => f.endsWith('.yaml')).length,
    );
    const acts = (await handlers['activities:list']({}, ctx)).activities;
    expect(acts.map((a) => a.id).sort()).toEqual(['1-bridge', '2-router', '3-repair']);
    expect((await handlers['activities:get']({ id: '1-bridge' }, ctx)).text).toMatch(/activity:/);
  });

  it.skipIf(!has('dpkg-deb') || !has('fakeroot'))(
    'builds a deb whose files and scripts are the helper setup',
    async () => {
      const dir = await packagedApp();
      const deb = maker('deb');
      await deb.prepareConfig('x64');
      const [file] = await deb.make({
        dir,
        makeDir: path.join(tmp, 'make'),
        targetArch: 'x64',
        packageJSON: {},
        appName: 'netplumb',
        targetPlatform: 'linux',
        forgeConfig: config,
      });
      const list = execFileSync('dpkg-deb', ['-c', file], { encoding: 'utf8' });
      const entry = (p: string) => list.split('\n').find((l) => l.endsWith(` ./usr/lib/netplumb/${p}`)) ?? '';
      expect(entry('netplumb-helper')).toMatch(/^-rwxr-xr-x root\/root /);
      expect(entry('privileged-helper.mjs')).toMatch(/^-rw-r--r-- root\/root /);
      expect(entry('resources/org.netplumb.helper.policy')).toMatch(/^-rw-r--r-- root\/root /);
      expect(entry('resources/activities/1-bridge.yaml')).toMatch(/^-rw-r--r-- root\/root /);
      expect(entry('resources/lessons/1-linux-bridge.yaml')).toMatch(/^-rw-r--r-- root\/root /);
      expect(list).not.toMatch(/\.key\.yaml|\.solution\.yaml/);
      // Nothing in the package is writable by group or others (symbolic links carry no mode of their own).
      for (const l of list.split('\n').filter((x) => x && !x.startsWith('l')))
        expect(l, l).toMatch(/^[-d]r[-w][-xs]r-[-x]r-[-x] root\/root /);
      const control = path.join(tmp, 'control');
      execFileSync('dpkg-deb', ['-e', file, control]);
      expect(readFileSync(path.join(control, 'postinst'), 'utf8')).toBe(
        readFileSync(path.join(root, 'packaging', 'postinst'), 'utf8'),
      );
      expect(readFileSync(path.join(control, 'prerm'), 'utf8')).toBe(
        readFileSync(path.join(root, 'packaging', 'prerm'), 'utf8'),
      );
      expect(execFileSync('dpkg-deb', ['-f', file, 'Depends'], { encoding: 'utf8' })).toMatch(
        /iproute2, nodejs \(>= 20\), sudo/,
      );
      const x = path.join(tmp, 'x');
      execFileSync('dpkg-deb', ['-x', file, x]);
      expect(readFileSync(path.join(x, 'usr/lib/netplumb/privileged-helper.mjs'))).toEqual(
        readFileSync(path.join(root, 'dist', 'privileged-helper.mjs')),
      );
      expect(readFileSync(path.join(x, 'usr/lib/netplumb/netplumb-helper'), 'utf8')).toMatch(
        /^NODE=\/usr\/bin\/node$/m,
      );
    },
    120_000,
  );

  it.skipIf(!has('rpmbuild'))(
    'builds an rpm with the helper and the scripts (needs rpmbuild)',
    async () => {
      const dir = await packagedApp();
      const rpm = maker('rpm');
      await rpm.prepareConfig('x64');
      const [file] = await rpm.make({
        dir,
        makeDir: path.join(tmp, 'make'),
        targetArch: 'x64',
        packageJSON: {},
        appName: 'netplumb',
        targetPlatform: 'linux',
        forgeConfig: config,
      });
      const list = execFileSync('rpm', ['-qlvp', file], { encoding: 'utf8' });
      expect(list).toMatch(/-rwxr-xr-x .* \/usr\/lib\/netplumb\/netplumb-helper/);
      expect(execFileSync('rpm', ['-qp', '--scripts', file], { encoding: 'utf8' })).toMatch(/visudo -cf/);
    },
    120_000,
  );
});
