/**
 * Builds (and caches) the VM's tiny initramfs: a static busybox, the modules the
 * virtio-9p root needs (order resolved from modules.dep), the guest init script and
 * the module helper. Rebuilt only when the kernel, busybox, module list or the
 * scripts change: the cache file name carries a hash of all of them.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCpio, type CpioEntry } from './cpio';
import { loadOrder, moduleName, parseModulesDep } from './modules-dep';

/** Modules the initramfs loads itself: PCI transport for virtio, then the 9p filesystem over it. */
export const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p'] as const;

/** Bumped when this builder's output changes in a way the inputs do not show. */
const BUILDER_VERSION = '1';

export interface InitramfsInputs {
  kernelVersion: string;
  /** /lib/modules/<version> */
  modulesDir: string;
  /** Path of the static busybox binary. */
  busybox: string;
  /** Folder holding guest-init.sh and modprobe-host.sh. */
  scriptsDir: string;
  cacheDir: string;
}

/** Returns the path of an up-to-date initramfs, building it first when needed. */
export function ensureInitramfs(inp: InitramfsInputs): { path: string; built: boolean; modules: string[] } {
  const deps = parseModulesDep(
    readFileSync(join(inp.modulesDir, 'modules.dep'), 'utf8'),
    existsSync(join(inp.modulesDir, 'modules.builtin'))
      ? readFileSync(join(inp.modulesDir, 'modules.builtin'), 'utf8')
      : '',
  );
  const order = loadOrder(INITRAMFS_MODULES, deps);
  const init = readFileSync(join(inp.scriptsDir, 'guest-init.sh'));
  const helper = readFileSync(join(inp.scriptsDir, 'modprobe-host.sh'));
  const busybox = readFileSync(inp.busybox);
  const moduleFiles = order.map((rel) => ({ rel, data: readFileSync(join(inp.modulesDir, rel)) }));

  const hash = createHash('sha256');
  for (const part of [
    BUILDER_VERSION,
    inp.kernelVersion,
    init,
    helper,
    busybox,
    ...moduleFiles.flatMap((m) => [m.rel, m.data]),
  ])
    hash.update(part);
  const key = hash.digest('hex').slice(0, 16);
  const name = `initramfs-${inp.kernelVersion}-${key}.cpio.gz`;
  const path = join(inp.cacheDir, name);
  const modules = order.map(moduleName);
  if (existsSync(path)) return { path, built: false, modules };

  const entries: CpioEntry[] = [
    ...['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'newroot', 'modules', 'tmp'].map(
      (d): CpioEntry => ({ kind: 'dir', name: d }),
    ),
    // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
    { kind: 'chardev', name: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', name: 'bin/busybox', data: busybox, mode: 0o755 },
    { kind: 'symlink', name: 'bin/sh', target: 'busybox' },
    { kind: 'file', name: 'init', data: init, mode: 0o755 },
    { kind: 'file', name: 'bin/modprobe-host', data: helper, mode: 0o755 },
    ...moduleFiles.map((m, i): CpioEntry => ({
      kind: 'file',
      name: `modules/${String(i).padStart(2, '0')}-${moduleName(m.rel)}.ko`,
      data: m.data,
    })),
    {
      kind: 'file',
      name: 'modules/order',
      data: Buffer.from(
        moduleFiles.map((m, i) => `${String(i).padStart(2, '0')}-${moduleName(m.rel)}.ko\n`).join(''),
      ),
    },
  ];
  mkdirSync(inp.cacheDir, { recursive: true });
  // Old images for other kernels or scripts are useless now; keep the cache to one file.
  for (const f of readdirSync(inp.cacheDir))
    if (/^initramfs-.*\.cpio\.gz$/.test(f)) rmSync(join(inp.cacheDir, f), { force: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, gzipSync(writeCpio(entries), { level: 6 }));
  renameSync(tmp, path);
  return { path, built: true, modules };
}
