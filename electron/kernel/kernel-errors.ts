/**
 * Kernel and iproute2 errors in plain words, always with the command and the
 * kernel's own text so nothing is hidden.
 */

import { missingProgram } from './missing-tool';

const HINTS: [RegExp, string][] = [
  [/File exists/i, 'an object with that name or address already exists'],
  [
    /Operation not permitted|Permission denied/i,
    'netplumb needs root privileges for this (run as root, or through the privileged helper)',
  ],
  [/Cannot find device|does not exist|No such device/i, 'the interface does not exist'],
  [/Cannot open network namespace|No such file or directory/i, 'the namespace does not exist'],
  [/Numerical result out of range|name too long/i, 'a name is too long for the kernel'],
  [
    /Unknown device type|not supported|Operation not supported/i,
    'this kernel does not support the feature (a module may be missing)',
  ],
  [/Specified qdisc kind is unknown/i, 'this kernel has no netem (tc qdisc) support'],
  [
    /Nexthop has invalid gateway|Network is unreachable/i,
    'the gateway is not reachable from any address of the namespace',
  ],
  [/Device or resource busy/i, 'the object is in use'],
  [/Address already in use/i, 'the address is already used'],
];

/** "`ip -n ns1 address add …` failed: the kernel said "RTNETLINK answers: File exists" (an object … exists)". */
export function explainKernelError(argv: readonly string[], stderr: string): string {
  const said = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ') || 'no error text';
  // A program that is not installed first: its "No such file or directory" is not about a namespace.
  const hint = missingProgram(said) ?? HINTS.find(([re]) => re.test(said))?.[1];
  return `\`${argv.join(' ')}\` failed: the kernel said "${said}"${hint ? ` (${hint})` : ''}`;
}
