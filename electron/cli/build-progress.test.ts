import { describe, expect, it } from 'vitest';
import { BuildProgress, buildProgressPlugin } from './build-progress';

describe('BuildProgress', () => {
  it('says each phase, counts modules at most every 3 s, and says when it is done', () => {
    let t = 1000;
    const lines: string[] = [];
    const p = new BuildProgress(
      (l) => lines.push(l),
      () => t,
    );
    const plugin = buildProgressPlugin(p, 3_600_000);
    (plugin.buildStart as () => void)();
    for (let i = 0; i < 10; i++) {
      t += 1000;
      (plugin.transform as () => null)();
    }
    (plugin.buildEnd as (e?: Error) => void)();
    // A quiet stretch: one "still" line after 6 s without news, not one a second.
    for (let i = 0; i < 7; i++) {
      t += 1000;
      p.tick();
    }
    (plugin.renderStart as () => void)();
    t += 2000;
    (plugin.writeBundle as () => void)();
    p.done('.vite/renderer');
    (plugin.closeBundle as () => void)();
    expect(lines).toEqual([
      '  reading the sources (0 modules, 0 s)',
      "  compiling the page's modules: 3 so far (3 s)",
      "  compiling the page's modules: 6 so far (6 s)",
      "  compiling the page's modules: 9 so far (9 s)",
      '  linking the modules and removing unused code (10 modules, 10 s)',
      '  still linking the modules and removing unused code (16 s)',
      '  bundling and minifying (10 modules, 17 s)',
      '  writing the files (10 modules, 19 s)',
      'netplumb: the page is built (19 s), in .vite/renderer',
    ]);
  });
});
