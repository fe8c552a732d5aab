import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCpio } from './cpio';
import { compareVersions, findKernel, isStaticElf } from './deps';
import { ensureInitramfs } from './initramfs';
import { qemuArgv } from './qemu';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'np-initramfs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A fake /lib/modules/<v> with the 9p stack's modules.dep shape and tiny .ko files. */
function fakeModules(): string {
  const m = join(dir, 'lib/modules/6.1.0-9-amd64');
  const mods: Record<string, string[]> = {
    'kernel/drivers/virtio/virtio_ring.ko': [],
    'kernel/drivers/virtio/virtio.ko': ['kernel/drivers/virtio/virtio_ring.ko'],
    'kernel/drivers/virtio/virtio_pci.ko': [
      'kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio_ring.ko',
    ],
    'kernel/net/9p/9pnet.ko': [],
    'kernel/net/9p/9pnet_virtio.ko': [
      'kernel/net/9p/9pnet.ko',
      'kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio_ring.ko',
    ],
    'kernel/fs/9p/9p.ko': ['kernel/net/9p/9pnet.ko'],
  };
  for (const rel of Object.keys(mods)) {
    mkdirSync(dirname(join(m, rel)), { recursive: true });
    writeFileSync(join(m, rel), `module ${rel}`);
  }
  writeFileSync(
    join(m, 'modules.dep'),
    Object.entries(mods)
      .map(([k, v]) => `${k}: ${v.join(' ')}\n`)
      .join(''),
  );
  return m;
}

describe('initramfs', () => {
  it('holds init, busybox, console and the 9p modules in load order, and is cached', () => {
    const scriptsDir = join(dir, 'scripts');
    mkdirSync(scriptsDir);
    for (const f of ['guest-init.sh', 'modprobe-host.sh'])
      writeFileSync(join(scriptsDir, f), readFileSync(join(here, f)));
    writeFileSync(join(dir, 'busybox'), 'not really busybox');
    const inp = {
      kernelVersion: '6.1.0-9-amd64',
      modulesDir: fakeModules(),
      busybox: join(dir, 'busybox'),
      scriptsDir,
      cacheDir: join(dir, 'cache'),
    };

    const first = ensureInitramfs(inp);
    expect(first.built).toBe(true);
    const members = readCpio(gunzipSync(readFileSync(first.path)));
    const byName = new Map(members.map((m) => [m.name, m]));
    expect(byName.get('init')?.data.toString()).toBe(readFileSync(join(here, 'guest-init.sh'), 'utf8'));
    expect((byName.get('init')?.mode ?? 0) & 0o111).not.toBe(0);
    expect(byName.get('dev/console')?.rdev).toEqual([5, 1]);
    expect(byName.get('bin/busybox')?.data.toString()).toBe('not really busybox');
    const order = byName.get('modules/order')!.data.toString().trim().split('\n');
    for (const f of order) expect(byName.has(`modules/${f}`), f).toBe(true);
    const names = order.map((f) => f.replace(/^\d+-|\.ko$/g, ''));
    expect(names.indexOf('virtio_ring')).toBeLessThan(names.indexOf('virtio'));
    expect(names.indexOf('virtio')).toBeLessThan(names.indexOf('virtio_pci'));
    expect(names.indexOf('9pnet')).toBeLessThan(names.indexOf('9pnet_virtio'));
    expect(names.indexOf('9pnet')).toBeLessThan(names.indexOf('9p'));

    expect(ensureInitramfs(inp)).toEqual({ ...first, built: false });

    // A changed init script means a new image, and the old one is gone.
    writeFileSync(join(scriptsDir, 'guest-init.sh'), '#!/bin/busybox sh\necho changed\n');
    const second = ensureInitramfs(inp);
    expect(second.built).toBe(true);
    expect(second.path).not.toBe(first.path);
    expect(existsSync(first.path)).toBe(false);
    expect(readdirSync(inp.cacheDir)).toHaveLength(1);
  });
});

describe('host checks', () => {
  it('orders Debian kernel versions numerically', () => {
    expect(['6.1.0-56-amd64', '6.1.0-9-amd64', '6.12.1-1-amd64'].sort(compareVersions)).toEqual([
      '6.1.0-9-amd64',
      '6.1.0-56-amd64',
      '6.12.1-1-amd64',
    ]);
  });

  it('picks the newest kernel that has its modules', () => {
    const boot = join(dir, 'boot');
    const mods = join(dir, 'lib/modules');
    mkdirSync(boot);
    for (const v of ['6.1.0-9-amd64', '6.1.0-56-amd64', '6.2.0-1-amd64'])
      writeFileSync(join(boot, `vmlinuz-${v}`), '');
    for (const v of ['6.1.0-9-amd64', '6.1.0-56-amd64']) {
      mkdirSync(join(mods, v), { recursive: true });
      writeFileSync(join(mods, v, 'modules.dep'), '');
    }
    expect(findKernel(boot, mods)).toEqual({
      kernel: join(boot, 'vmlinuz-6.1.0-56-amd64'),
      version: '6.1.0-56-amd64',
      modulesDir: join(mods, '6.1.0-56-amd64'),
    });
    expect(findKernel(join(dir, 'none'), mods)).toBeUndefined();
  });

  it('tells a static executable from a dynamic one', () => {
    // node itself is dynamically linked on Debian; a non-ELF file is not static either.
    expect(isStaticElf(process.execPath)).toBe(false);
    writeFileSync(
      join(dir, 'text'),
      'just text, not an ELF file at all......................................',
    );
    expect(isStaticElf(join(dir, 'text'))).toBe(false);
  });

  it.skipIf(!existsSync('/bin/busybox'))('recognises the installed busybox for what it is', () => {
    const buf = readFileSync('/bin/busybox');
    // Independent check: a PT_INTERP header names the loader, /lib64/ld-linux...
    const dynamic = buf.includes(Buffer.from('/lib64/ld-linux-x86-64.so.2'));
    expect(isStaticElf('/bin/busybox')).toBe(!dynamic);
  });
});

describe('qemu command', () => {
  it('boots without network or reboot, with the host root read-only and the job on the command line', () => {
    const argv = qemuArgv({
      qemu: 'qemu-system-x86_64',
      kernel: '/boot/k',
      initramfs: '/c/i.gz',
      job: '/p/.cache/kernel-vm/job-1.sh',
      memoryMb: 2048,
      cpus: 2,
    });
    const opt = (flag: string) => argv[argv.indexOf(flag) + 1];
    expect(argv).toContain('-no-reboot');
    expect(opt('-nic')).toBe('none');
    expect(opt('-accel')).toMatch(/^tcg/);
    expect(opt('-virtfs')).toMatch(/path=\/,mount_tag=host,.*readonly=on/);
    expect(opt('-append')).toBe('console=ttyS0 panic=-1 quiet netplumb.job=/p/.cache/kernel-vm/job-1.sh');
    expect(() =>
      qemuArgv({ qemu: 'q', kernel: 'k', initramfs: 'i', job: '/a b.sh', memoryMb: 1, cpus: 1 }),
    ).toThrow(/spaces/);
  });
});
