/**
 * Progress lines while the page is built (the first `npm start` builds it,
 * which takes about a minute on a small machine): a Vite plugin that says
 * which phase Vite is in — compiling N modules, bundling, writing files —
 * at most every few seconds, with the time so far, instead of silence.
 */
import type { Plugin } from 'vite';

/** What is printed when (pure, so it can be tested without Vite). */
export class BuildProgress {
  private modules = 0;
  private lastPrint = -Infinity;
  private current = 'starting';
  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly every = 3000,
    private readonly started = now(),
  ) {}

  private secs(): string {
    return `${Math.round((this.now() - this.started) / 1000)} s`;
  }

  /** A module was compiled; a line at most every `every` ms. */
  module(): void {
    this.modules++;
    if (this.now() - this.lastPrint < this.every) return;
    this.lastPrint = this.now();
    this.print(`  compiling the page's modules: ${this.modules} so far (${this.secs()})`);
  }

  /** Called every second or so: a quiet phase still says it is going, every 2 × `every` ms. */
  tick(): void {
    if (this.now() - this.lastPrint < 2 * this.every) return;
    this.lastPrint = this.now();
    this.print(`  still ${this.current} (${this.secs()})`);
  }

  /** A phase starts (always printed). */
  phase(what: string): void {
    this.current = what;
    this.lastPrint = this.now();
    this.print(`  ${what} (${this.modules} modules, ${this.secs()})`);
  }

  /** The build finished. */
  done(where: string): void {
    this.print(`netplumb: the page is built (${this.secs()}), in ${where}`);
  }
}

/** The Vite plugin that feeds a BuildProgress. */
export function buildProgressPlugin(p: BuildProgress, tickMs = 1000): Plugin {
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearInterval(timer);
  return {
    name: 'netplumb-build-progress',
    apply: 'build',
    buildStart: () => {
      p.phase('reading the sources');
      timer = setInterval(() => p.tick(), tickMs);
      timer.unref();
    },
    transform: () => {
      p.module();
      return null;
    },
    buildEnd: (err) => (err ? stop() : p.phase('linking the modules and removing unused code')),
    renderStart: () => p.phase('bundling and minifying'),
    writeBundle: () => p.phase('writing the files'),
    closeBundle: stop,
  };
}
