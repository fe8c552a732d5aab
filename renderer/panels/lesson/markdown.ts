/**
 * A tiny Markdown reader for lesson text: headings, paragraphs, ordered and
 * unordered lists, fenced code, inline code, **bold** and *emphasis*. It
 * produces plain data that MarkdownView turns into React elements: no HTML
 * string is ever built, so lesson text cannot inject markup (raw HTML in the
 * text shows as text).
 */

/** An inline run of text. */
export type Inline = { t: 'text' | 'code' | 'strong' | 'em'; s: string };

/** A block of the document. */
export type Block =
  | { t: 'h'; level: 1 | 2 | 3 | 4; inl: Inline[] }
  | { t: 'p'; inl: Inline[] }
  | { t: 'ul' | 'ol'; items: Inline[][]; start?: number }
  | { t: 'code'; text: string; lang?: string };

/** Splits a line of text into inline runs (`code`, **strong**, *em* / _em_). */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|(?<![A-Za-z0-9])_([^_\s][^_]*)_(?![A-Za-z0-9])/g;
  let last = 0;
  for (const m of src.matchAll(re)) {
    if (m.index! > last) out.push({ t: 'text', s: src.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ t: 'code', s: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'strong', s: m[2] });
    else out.push({ t: 'em', s: m[3] ?? m[4] });
    last = m.index! + m[0].length;
  }
  if (last < src.length) out.push({ t: 'text', s: src.slice(last) });
  return out;
}

const UL = /^\s*[-*+]\s+(.*)$/;
const OL = /^\s*(\d+)[.)]\s+(.*)$/;

/** Parses Markdown text into blocks. */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; items: string[]; start?: number } | null = null;
  const flush = () => {
    if (para.length) blocks.push({ t: 'p', inl: parseInline(para.join(' ')) });
    para = [];
    if (list)
      blocks.push({
        t: list.t,
        items: list.items.map(parseInline),
        ...(list.start !== undefined && list.start !== 1 ? { start: list.start } : {}),
      });
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      blocks.push({ t: 'code', text: body.join('\n'), ...(fence[2] ? { lang: fence[2] } : {}) });
      continue;
    }
    if (!line.trim()) {
      flush();
      continue;
    }
    const h = /^(#{1,4})\s+(.*?)\s*#*$/.exec(line);
    if (h) {
      flush();
      blocks.push({ t: 'h', level: h[1].length as 1 | 2 | 3 | 4, inl: parseInline(h[2]) });
      continue;
    }
    const ul = UL.exec(line);
    const ol = ul ? null : OL.exec(line);
    if (ul || ol) {
      const t = ul ? 'ul' : 'ol';
      if (para.length || (list && list.t !== t)) flush();
      list ??= { t, items: [], ...(ol ? { start: Number(ol[1]) } : {}) };
      list.items.push(ul ? ul[1] : ol![2]);
      continue;
    }
    // An indented line right after a list item continues that item.
    if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (list) flush();
    para.push(line.trim());
  }
  flush();
  return blocks;
}
