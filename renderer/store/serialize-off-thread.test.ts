import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Topology } from '../../shared/model';
import { readDocumentText, writeDocumentText } from './document-io';

const ORIGINAL = `# kept comment
version: 1
name: keep   # the lab
nodes:
  - name: ns1
    kind: namespace
    position: {x: 0, y: 0}
links: []
`;
const doc = (() => {
  const r = readDocumentText(ORIGINAL, 'lab.yaml');
  if (!r.ok) throw new Error('the sample does not read');
  r.topology.nodes[0].position = { x: 40, y: 0 };
  return r.topology;
})();

/** A fresh copy of the module (it keeps its worker between calls). */
const load = async () => {
  vi.resetModules();
  return import('./serialize-off-thread');
};

afterEach(() => vi.unstubAllGlobals());

describe('documentTextOffThread', () => {
  it('without workers (here, in Node) writes the same text as the main thread would', async () => {
    vi.stubGlobal('Worker', undefined);
    const { documentTextOffThread } = await load();
    const text = await documentTextOffThread(doc, 'lab.yaml', ORIGINAL);
    expect(text).toBe(writeDocumentText(doc, 'lab.yaml', ORIGINAL));
    expect(text).toContain('# kept comment');
    expect(text).toContain('x: 40');
  });

  it('a worker that answers: its text is the answer', async () => {
    class Answering {
      onmessage: ((e: { data: unknown }) => void) | null = null;
      onerror: ((e: { preventDefault(): void }) => void) | null = null;
      postMessage(m: { id: number; doc: Topology; fileName: string; original: string }) {
        queueMicrotask(() =>
          this.onmessage?.({ data: { id: m.id, text: `from the worker: ${m.doc.name}` } }),
        );
      }
      terminate() {}
    }
    vi.stubGlobal('Worker', Answering);
    const { documentTextOffThread } = await load();
    expect(await documentTextOffThread(doc, 'lab.yaml', ORIGINAL)).toBe('from the worker: keep');
  });

  it('a worker that fails: the pending text and every later one are written on the main thread', async () => {
    let made = 0;
    class Failing {
      onmessage: ((e: { data: unknown }) => void) | null = null;
      onerror: ((e: { preventDefault(): void }) => void) | null = null;
      constructor() {
        made++;
      }
      postMessage() {
        queueMicrotask(() => this.onerror?.({ preventDefault() {} }));
      }
      terminate() {}
    }
    vi.stubGlobal('Worker', Failing);
    const { documentTextOffThread } = await load();
    const want = writeDocumentText(doc, 'lab.yaml', ORIGINAL);
    expect(await documentTextOffThread(doc, 'lab.yaml', ORIGINAL)).toBe(want);
    expect(await documentTextOffThread(doc, 'lab.yaml', ORIGINAL)).toBe(want);
    expect(made).toBe(1);
  });

  it('a worker that cannot be made (a page that refuses workers): written on the main thread', async () => {
    vi.stubGlobal(
      'Worker',
      class {
        constructor() {
          throw new Error('refused');
        }
      },
    );
    const { documentTextOffThread } = await load();
    expect(await documentTextOffThread(doc, 'lab.json', null)).toBe(writeDocumentText(doc, 'lab.json', null));
  });
});
