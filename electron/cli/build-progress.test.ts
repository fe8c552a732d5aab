import { describe, expect, it } from 'vitest';
import { BuildProgress, buildProgressPlugin } from './build-progress';

describe('BuildProgress', () => {
  it('says each phase, counts modules at most every 3 s, and says when it is done', () => {
    let t = 1000;
    const lines: string[] = [];
    const p = new BuildProgress((l) => lines.push(l), () => t);
    const plugin = buildProgressPlugin(p);
    (plugin.buildStart as () => void)();
    for (let i = 0; i < 10; i++) {
      t += 1000;
      (plugin.transform as () => null)();
    }
    (plugin.renderStart as () => void)();
    t += 2000;
    (plugin.writeBundle as () => void)();
    p.done('.vite/renderer');
    expect(lines).toEqual([
      '  reading the sources (0 modules, 0 s)',
      "  compiling the page's modules: 3 so far (3 s)",
      "  compiling the page's modules: 6 so far (6 s)",
      "  compiling the page's modules: 9 so far (9 s)",
      '  bundling and minifying (10 modules, 10 s)',
      '  writing the files (10 modules, 12 s)',
      'netplumb: the page is built (12 s), in .vite/renderer',
    ]);
  });
});
