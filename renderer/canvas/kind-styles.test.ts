import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeKindList } from '../../shared/kinds';
import { kindCss } from './kind-styles';

describe('kind styles', () => {
  const css = kindCss();

  it('has the colour, icon, box and minimap rules of every kind', () => {
    for (const k of nodeKindList)
      for (const sel of [`.np-kind--${k} {`, `.np-node--${k} {`, `.np-icon--${k} {`, `.np-mini--${k} {`])
        expect(css, sel).toContain(sel);
    expect(css).toContain('.np-node--router { --kind: var(--router); border-radius: 18px; }');
    expect(css).toContain(
      '.np-node--host { --kind: var(--host); border-style: dashed; border-left-style: solid; }',
    );
  });

  it('draws the same icon masks app.css used to hold by hand', () => {
    // The namespace mask as it was written in renderer/styles/app.css before the registry.
    const was =
      "url(\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24' fill='none' stroke='black' stroke-width='1.6' stroke-linecap='round' stroke-linejoin='round'><rect x='3' y='4' width='18' height='12' rx='2'/><path d='M8 20h8M12 16v4'/></svg>\")";
    expect(css).toContain(`.np-icon--namespace { --icon: ${was}; }`);
    expect(css).toContain("<path d='M6 12h.01M10 12h.01M14 12h.01M18 12h.01' stroke-width='2.5'/>");
    // And app.css no longer keeps a per-kind table of its own.
    const appCss = readFileSync(join(import.meta.dirname, '../styles/app.css'), 'utf8');
    for (const k of nodeKindList) expect(appCss).not.toContain(`.np-icon--${k}`);
  });
});
