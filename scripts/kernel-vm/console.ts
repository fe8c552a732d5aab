/**
 * The protocol between the guest and the host wrapper: plain marker lines on the
 * serial console. Pure parsing and formatting, so the wrapper and .ci/run agree.
 *
 *   NETPLUMB-VM-COUNTS passed=<n> failed=<n> skipped=<n>   printed by counts-reporter.ts
 *   NETPLUMB-VM-EXIT=<code>                                 printed by guest-init.sh, last
 *
 * The wrapper ends with one line for .ci/run:
 *   kernel-vm: <n> passed, <n> failed, <n> skipped
 */

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export const EXIT_MARKER = 'NETPLUMB-VM-EXIT=';
export const COUNTS_MARKER = 'NETPLUMB-VM-COUNTS';

// Not anchored at the line start: a kernel message may land on the console mid-line.
const EXIT_RE = /NETPLUMB-VM-EXIT=(\d+)/;
const COUNTS_RE = /NETPLUMB-VM-COUNTS passed=(\d+) failed=(\d+) skipped=(\d+)/;

/** What one console line says, if it is a marker. */
export function parseMarker(line: string): { exit?: number; counts?: Counts } {
  const e = EXIT_RE.exec(line);
  if (e) return { exit: Number(e[1]) };
  const c = COUNTS_RE.exec(line);
  if (c) return { counts: { passed: Number(c[1]), failed: Number(c[2]), skipped: Number(c[3]) } };
  return {};
}

/** The counts marker line the guest prints. */
export function formatCountsMarker(c: Counts): string {
  return `${COUNTS_MARKER} passed=${c.passed} failed=${c.failed} skipped=${c.skipped}`;
}

/** The wrapper's closing line (the one .ci/run parses). */
export function formatSummary(c: Counts): string {
  return `kernel-vm: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

/**
 * The lane's verdict from what the console showed. A run without an exit marker
 * (hang, panic, timeout) or with failures is a failure even if qemu exited 0.
 */
export function verdict(seen: {
  exit?: number;
  counts?: Counts;
  timedOut: boolean;
  expectCounts?: boolean;
}): { code: number; counts: Counts; problem?: string } {
  const counts = seen.counts ?? { passed: 0, failed: 0, skipped: 0 };
  if (seen.timedOut)
    return {
      code: 124,
      counts: { ...counts, failed: counts.failed + 1 },
      problem: 'the VM did not finish before the timeout',
    };
  if (seen.exit === undefined)
    return {
      code: 125,
      counts: { ...counts, failed: counts.failed + 1 },
      problem:
        'the VM stopped without reporting an exit status (no NETPLUMB-VM-EXIT marker; boot failure or kernel panic?)',
    };
  if (seen.exit === 0 && seen.expectCounts && !seen.counts) {
    // vitest ran but its counts never reached the console: nothing proves the tests ran.
    return {
      code: 125,
      counts: { ...counts, failed: 1 },
      problem: 'the tests reported no counts (no NETPLUMB-VM-COUNTS marker)',
    };
  }
  if (seen.exit !== 0 && counts.failed === 0) {
    // The job failed without a failing test to show for it (crash, collection error, bad command).
    return {
      code: seen.exit,
      counts: { ...counts, failed: 1 },
      problem: `the job in the VM exited with status ${seen.exit}`,
    };
  }
  return { code: seen.exit, counts };
}

/** Splits a byte stream into lines (\r\n from the serial console included), keeping the tail. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk;
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        onLine(rest.slice(0, i).replace(/\r+$/, ''));
        rest = rest.slice(i + 1);
      }
    },
    end() {
      if (rest) onLine(rest.replace(/\r+$/, ''));
      rest = '';
    },
  };
}
