/**
 * A vitest reporter for the kernel VM lane: after the run it prints one marker line
 * with the counts (see console.ts), which the host wrapper reads off the serial
 * console. It writes no file, because the guest's root is read-only.
 * Prints only inside the lane's VM (NETPLUMB_KERNEL_VM=1); elsewhere it is silent.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { formatCountsMarker, type Counts } from './console';

/** Counts tests by outcome; a file that failed to load or crashed counts as one failure. */
export function countTests(modules: ReadonlyArray<TestModule>, unhandledErrors: number): Counts {
  const c: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of modules) {
    let any = false;
    for (const t of m.children.allTests()) {
      any = true;
      const s = t.result().state;
      if (s === 'passed') c.passed++;
      else if (s === 'failed') c.failed++;
      else c.skipped++;
    }
    if (m.state() === 'failed' && !any) c.failed++;
  }
  c.failed += unhandledErrors;
  return c;
}

export default class CountsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    if (process.env.NETPLUMB_KERNEL_VM !== '1') return;
    process.stdout.write(`\n${formatCountsMarker(countTests(modules, unhandledErrors.length))}\n`);
  }
}
