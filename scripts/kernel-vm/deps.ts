/**
 * Finds what the VM lane needs on the host (qemu, a Debian kernel with its modules,
 * a static busybox) and installs it with apt when we may; otherwise explains exactly
 * which command to run. Never touches anything else on the machine.
 */
import {
  accessSync,
  constants,
  existsSync,
  openSync,
  readSync,
  closeSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

export interface VmDeps {
  qemu: string;
  kernel: string;
  kernelVersion: string;
  modulesDir: string;
  busybox: string;
}

/** The first executable called `name` on PATH, or undefined. */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter), '/usr/sbin', '/sbin']) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Compares kernel versions like `sort -V` would for Debian's names (6.1.0-9 < 6.1.0-56). */
export function compareVersions(a: string, b: string): number {
  const pa = a
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  const pb = b
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/** The newest /boot/vmlinuz-<v> whose /lib/modules/<v>/modules.dep exists (the modules must match). */
export function findKernel(
  bootDir = '/boot',
  modulesRoot = '/lib/modules',
): { kernel: string; version: string; modulesDir: string } | undefined {
  if (!existsSync(bootDir)) return undefined;
  const versions = readdirSync(bootDir)
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .filter((v) => existsSync(join(modulesRoot, v, 'modules.dep')))
    .sort(compareVersions);
  const version = versions.at(-1);
  return version
    ? { kernel: join(bootDir, `vmlinuz-${version}`), version, modulesDir: join(modulesRoot, version) }
    : undefined;
}

/**
 * True when the file is an ELF executable without an interpreter (PT_INTERP), i.e.
 * statically linked. A dynamic busybox would die in the initramfs with no libc there.
 */
export function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2) return false; // ELF64 only
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Something the lane needs that is not there, and the Debian package that provides it. */
export interface Missing {
  what: string;
  pkg: string;
}

/** The apt command that installs the given packages. */
export function aptCommand(pkgs: readonly string[]): string {
  return `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

/** What is there, and what is missing. */
export function probeDeps(): { deps?: VmDeps; missing: Missing[] } {
  const missing: Missing[] = [];
  const qemu = which('qemu-system-x86_64');
  if (!qemu) missing.push({ what: 'qemu-system-x86_64', pkg: 'qemu-system-x86' });
  const k = findKernel();
  if (!k)
    missing.push({ what: 'a kernel image /boot/vmlinuz-* with its /lib/modules', pkg: 'linux-image-amd64' });
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p) && isStaticElf(p));
  if (!busybox) missing.push({ what: 'a statically linked busybox', pkg: 'busybox-static' });
  // The guest runs the host's own tools from the shared root (ping: tests fall back to busybox's).
  for (const [tool, pkg] of [
    ['ip', 'iproute2'],
    ['tc', 'iproute2'],
    ['bridge', 'iproute2'],
    ['modprobe', 'kmod'],
  ] as const) {
    if (!which(tool)) missing.push({ what: tool, pkg });
  }
  if (missing.length || !qemu || !k || !busybox) return { missing };
  return {
    deps: { qemu, kernel: k.kernel, kernelVersion: k.version, modulesDir: k.modulesDir, busybox },
    missing,
  };
}

const describe = (m: Missing[]) => m.map((x) => `\n  missing: ${x.what} (package ${x.pkg})`).join('');

/**
 * Installs missing packages with apt when running as root (running `apt-get update`
 * first only when the plain install fails), then probes again. Throws with the exact
 * command to run when it may not or could not install.
 */
export async function ensureDeps(log: (s: string) => void): Promise<VmDeps> {
  const first = probeDeps();
  if (first.deps) return first.deps;
  const pkgs = [...new Set(first.missing.map((m) => m.pkg))];
  const refuse = (why: string) =>
    new Error(`${why}${describe(first.missing)}\n  install them with:  sudo ${aptCommand(pkgs)}`);
  // Why: installing a kernel package changes the machine; only root may, and only via apt.
  if (process.getuid?.() !== 0)
    throw refuse('the kernel VM lane needs packages that are not installed, and installing them needs root.');
  if (!which('apt-get'))
    throw refuse('the kernel VM lane needs packages that are not installed, and apt-get is not available.');
  log(`kernel-vm: installing ${pkgs.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execa('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], {
      env,
      stdout: 'inherit',
      stderr: 'inherit',
      reject: false,
    });
  let r = await install();
  if (r.exitCode !== 0) {
    log('kernel-vm: apt-get install failed; running apt-get update and trying once more');
    await execa('apt-get', ['update'], { env, stdout: 'inherit', stderr: 'inherit', reject: false });
    r = await install();
  }
  const again = probeDeps();
  if (again.deps) return again.deps;
  throw new Error(
    `apt-get install ${r.exitCode === 0 ? 'succeeded, but things are still missing' : `failed (exit ${r.exitCode})`}:${describe(again.missing)}\n  run:  ${aptCommand(pkgs)}`,
  );
}
