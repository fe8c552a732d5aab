/**
 * A minimal, strict XML reader for importing scenario files: elements,
 * attributes, text, CDATA, comments and processing instructions, with the
 * line and column of every element and of the first error. No DTDs or
 * custom entities (they are skipped, never expanded: no entity bombs, no
 * external fetches). Pure; no DOM needed.
 */
import { positionsOf } from './text-positions';

/** An element with its attributes, child elements, text and position. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
  column: number;
}

/** The document element, or the first syntax error with its position. */
export type XmlResult = { root: XmlElement } | { error: { message: string; line: number; column: number } };

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const MAX_DEPTH = 256;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class XmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses an XML text. Never throws. */
export function parseXml(text: string): XmlResult {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const pos = positionsOf(text);
  const fail = (message: string, at = i): never => {
    throw new XmlError(message, at);
  };
  const decode = (s: string, at: number) =>
    s.replace(/&([^;&\s]*);?/g, (m, body: string) => {
      if (!m.endsWith(';')) fail('"&" must start an entity such as &amp;', at);
      if (Object.hasOwn(ENTITIES, body)) return ENTITIES[body];
      const num = /^#(\d+)$/.exec(body) ?? /^#x([0-9a-fA-F]+)$/.exec(body);
      if (num) {
        const cp = parseInt(num[1], body[1] === 'x' ? 16 : 10);
        if (cp > 0 && cp <= 0x10ffff) return String.fromCodePoint(cp);
      }
      return fail(`unknown entity &${body};`, at);
    });
  const skipWs = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const skipMisc = () => {
    for (;;) {
      skipWs();
      if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated <? ... ?>');
        i = end + 2;
      } else if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<!DOCTYPE', i)) {
        // Skipped, never interpreted: internal subsets could declare entity bombs.
        const bracket = text.indexOf('[', i);
        const close = text.indexOf('>', i);
        if (close < 0) fail('unterminated DOCTYPE');
        i = bracket >= 0 && bracket < close ? text.indexOf(']>', bracket) + 2 : close + 1;
        if (i < 2) fail('unterminated DOCTYPE');
      } else return;
    }
  };
  const element = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('elements nested too deeply');
    const start = i;
    if (text[i] !== '<') fail('expected "<"');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '', ...pos(start) };
    for (;;) {
      const before = i;
      skipWs();
      if (text.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace, ">" or "/>"');
      const attrAt = i;
      const an = name();
      skipWs();
      if (text[i] !== '=') fail(`attribute "${an}" needs a value`);
      i++;
      skipWs();
      const q = text[i];
      if (q !== '"' && q !== "'") fail(`the value of "${an}" must be quoted`);
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = text.slice(i + 1, end);
      if (raw.includes('<')) fail('"<" inside an attribute value', i + 1 + raw.indexOf('<'));
      if (an in el.attrs) fail(`duplicate attribute "${an}"`, attrAt);
      el.attrs[an] = decode(raw, i + 1);
      i = end + 1;
    }
    for (;;) {
      if (i >= text.length) fail(`<${el.name}> is not closed`, start);
      if (text.startsWith('</', i)) {
        i += 2;
        const closeAt = i;
        const n = name();
        if (n !== el.name) fail(`</${n}> closes <${el.name}> (opened at line ${el.line})`, closeAt);
        skipWs();
        if (text[i] !== '>') fail('expected ">"');
        i++;
        return el;
      }
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        el.text += text.slice(i + 9, end);
        i = end + 3;
      } else if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated <? ... ?>');
        i = end + 2;
      } else if (text[i] === '<') {
        el.children.push(element(depth + 1));
      } else {
        const next = text.indexOf('<', i);
        const end = next < 0 ? text.length : next;
        el.text += decode(text.slice(i, end), i);
        i = end;
      }
    }
  };
  try {
    skipMisc();
    if (i >= text.length) fail('the file is empty');
    const root = element(0);
    skipMisc();
    if (i < text.length) fail('text after the document element');
    return { root };
  } catch (e) {
    if (e instanceof XmlError)
      return { error: { message: e.message, ...pos(Math.min(e.offset, text.length)) } };
    throw e;
  }
}

/** Child elements named `name`. */
export const childrenNamed = (el: XmlElement | undefined, name: string): XmlElement[] =>
  el?.children.filter((c) => c.name === name) ?? [];
/** The first child element named `name`. */
export const childNamed = (el: XmlElement | undefined, name: string): XmlElement | undefined =>
  el?.children.find((c) => c.name === name);
