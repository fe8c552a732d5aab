/** A program netplumb runs that the host lacks: told apart from a missing namespace, with its package. */
import { describe, expect, it } from 'vitest';
import { explainKernelError } from './kernel-errors';
import { missingProgram, notInstalled } from './missing-tool';

describe('missing programs', () => {
  it('are recognised as ip netns exec, a spawn and sh report them', () => {
    const procps = 'sysctl is not installed on this host (Debian and Ubuntu: sudo apt install procps)';
    expect(missingProgram('exec of "sysctl" failed: No such file or directory')).toBe(procps);
    expect(missingProgram('spawn sysctl ENOENT')).toBe(procps);
    expect(missingProgram('sh: 1: exec: sysctl: not found')).toBe(procps);
    expect(missingProgram('netplumb-fan-out: line 8: nsenter: command not found')).toMatch(
      /apt install util-linux/,
    );
    expect(missingProgram('nsread: cannot start tc: No such file or directory')).toMatch(
      /apt install iproute2/,
    );
    expect(missingProgram('exec of "tc" failed: No such file or directory')).toMatch(/apt install iproute2/);
    expect(notInstalled('ping', 'sh: 1: exec: sysctl: not found')).toBeUndefined();
    // A missing namespace, a missing interface, or a longer name that ends like a tool's, is not a missing program.
    expect(missingProgram('Cannot open network namespace "x": No such file or directory')).toBeUndefined();
    expect(missingProgram('Cannot find device "eth9"')).toBeUndefined();
    expect(missingProgram('sh: 1: exec: xsysctl: not found')).toBeUndefined();
  });
  it('a failed step names the missing program, not a missing namespace', () => {
    const e = explainKernelError(
      ['ip', 'netns', 'exec', 'r1', 'sysctl', '-w', 'net.ipv4.ip_forward=1'],
      'exec of "sysctl" failed: No such file or directory\n',
    );
    expect(e).toMatch(/sysctl is not installed on this host \(Debian and Ubuntu: sudo apt install procps\)/);
    expect(e).not.toMatch(/namespace does not exist/);
    expect(
      explainKernelError(
        ['ip', '-n', 'gone', 'link'],
        'Cannot open network namespace "gone": No such file or directory',
      ),
    ).toMatch(/the namespace does not exist/);
  });
});
