/**
 * Boots the kernel-test VM under qemu and streams its serial console.
 * TCG only: /dev/kvm exists on our machines but a KVM guest hangs after the BIOS.
 */
import { execa } from 'execa';
import { lineSplitter } from './console';

export interface VmSpec {
  qemu: string;
  kernel: string;
  initramfs: string;
  /** Absolute path of the job script on the host root (the guest sees the same path). */
  job: string;
  memoryMb: number;
  cpus: number;
}

/** The qemu argv: no network, no display, no reboot, the host root shared read-only. */
export function qemuArgv(s: VmSpec): string[] {
  if (/\s/.test(s.job))
    throw new Error(`the job path must not contain spaces (kernel command line): ${s.job}`);
  return [
    s.qemu,
    '-accel',
    'tcg,thread=multi',
    '-cpu',
    'max',
    '-m',
    String(s.memoryMb),
    '-smp',
    String(s.cpus),
    '-nographic',
    '-no-reboot',
    '-nic',
    'none',
    '-kernel',
    s.kernel,
    '-initrd',
    s.initramfs,
    '-append',
    `console=ttyS0 panic=-1 quiet netplumb.job=${s.job}`,
    '-virtfs',
    'local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap',
  ];
}

const ESC = String.fromCharCode(27);
const RESETS = [`${ESC}c`, `${ESC}[?7l`, `${ESC}[2J`];

/** Removes the terminal reset/clear sequences the firmware prints (colours stay). */
export function stripTerminalResets(line: string): string {
  return RESETS.reduce((l, seq) => l.split(seq).join(''), line);
}

/**
 * Runs the VM to the end (or the timeout), calling onLine for every console line.
 * Resolves with whether the timeout struck; the guest's verdict is in the lines.
 */
export async function runVm(
  spec: VmSpec,
  timeoutMs: number,
  onLine: (line: string) => void,
): Promise<{ timedOut: boolean; qemuExit: number | undefined }> {
  const [cmd, ...args] = qemuArgv(spec);
  const child = execa(cmd, args, {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
    buffer: false,
    forceKillAfterDelay: 5000,
  });
  // SeaBIOS resets and clears the terminal (ESC c, ESC [2J): drop those, keep colours.
  const out = lineSplitter((l) => onLine(stripTerminalResets(l)));
  const err = lineSplitter((l) => onLine(`[qemu] ${l}`));
  child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
  }, timeoutMs);
  // Ctrl-C on the wrapper must not leave a qemu behind.
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const r = await child;
    out.end();
    err.end();
    return { timedOut, qemuExit: r.exitCode };
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
