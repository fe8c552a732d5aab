import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('lesson markdown', () => {
  it('reads headings, paragraphs, lists with continuation lines, and fenced code', () => {
    const md =
      '# Title\n\nTwo **namespaces**\nand a `bridge`.\n\n1. first\n   continued\n2. second\n\n- a\n- b\n\n```\nns1 ── br0\n```\n';
    expect(parseMarkdown(md)).toEqual([
      { t: 'h', level: 1, inl: [{ t: 'text', s: 'Title' }] },
      {
        t: 'p',
        inl: [
          { t: 'text', s: 'Two ' },
          { t: 'strong', s: 'namespaces' },
          { t: 'text', s: ' and a ' },
          { t: 'code', s: 'bridge' },
          { t: 'text', s: '.' },
        ],
      },
      { t: 'ol', items: [[{ t: 'text', s: 'first continued' }], [{ t: 'text', s: 'second' }]] },
      { t: 'ul', items: [[{ t: 'text', s: 'a' }], [{ t: 'text', s: 'b' }]] },
      { t: 'code', text: 'ns1 ── br0' },
    ]);
  });

  it('keeps raw HTML as text and does not read underscores inside names as emphasis', () => {
    expect(parseInline('<img src=x onerror=alert(1)> veth_ns1_br *x*')).toEqual([
      { t: 'text', s: '<img src=x onerror=alert(1)> veth_ns1_br ' },
      { t: 'em', s: 'x' },
    ]);
  });

  it('keeps a list start number', () => {
    expect(parseMarkdown('3. three\n4. four')).toEqual([
      { t: 'ol', start: 3, items: [[{ t: 'text', s: 'three' }], [{ t: 'text', s: 'four' }]] },
    ]);
  });
});
