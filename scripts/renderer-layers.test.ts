/**
 * The renderer's layer rules in eslint.config.js (rendererLayers()) fire on a
 * violation and stay quiet on the allowed direction: checked on sample source
 * linted as if it sat in each folder.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(filePath: string, from: string): Promise<string[]> {
  const [r] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath });
  return r.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('renderer layer rules', () => {
  const refused: [string, string, RegExp][] = [
    ['renderer/panels/Sample.tsx', '../app/App', /panels must not import app/],
    ['renderer/panels/live/sample.ts', '../../app/desktop-bridge', /panels must not import app/],
    ['renderer/canvas/sample.ts', '../panels/live/LiveMarks', /canvas must not import panels/],
    ['renderer/canvas/sample.ts', '../app/shortcuts', /canvas must not import app/],
    ['renderer/store/sample.ts', '../panels/Toolbar', /renderer\/store is below the views/],
    ['renderer/store/sample.ts', '../canvas/Canvas', /renderer\/store is below the views/],
    ['renderer/store/sample.ts', '../app', /renderer\/store is below the views/],
    ['renderer/api/sample.ts', '../store/editor', /renderer\/api is the lowest renderer layer/],
  ];
  for (const [file, from, why] of refused)
    it(`refuses ${from} in ${file}`, async () => {
      const errors = await layerErrors(file, from);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(why);
    });

  const allowed: [string, string][] = [
    ['renderer/app/Sample.tsx', '../panels/Toolbar'],
    ['renderer/app/Sample.tsx', '../canvas/Canvas'],
    ['renderer/panels/Sample.tsx', '../store/editor'],
    ['renderer/panels/Sample.tsx', '../canvas/ContextMenu'],
    ['renderer/canvas/sample.ts', '../store/derive'],
    ['renderer/store/sample.ts', '../api'],
    ['renderer/store/sample.ts', '../../shared/edit/names'],
    ['renderer/api/sample.ts', '../../shared/plan'],
    // Tests may wire layers together.
    ['renderer/api/sample.test.ts', '../store/store'],
  ];
  for (const [file, from] of allowed)
    it(`allows ${from} in ${file}`, async () => {
      expect(await layerErrors(file, from)).toEqual([]);
    });
});
