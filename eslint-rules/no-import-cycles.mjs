/**
 * `local/no-import-cycles`: an import that closes a loop is an error
 * (docs/ARCHITECTURE.md, 14: each module imports only what comes before it).
 *
 * The tree's import graph is read once per ESLint process with
 * scripts/import-graph.mjs (about a second; type-only imports count, as in
 * scripts/import-cycles.test.ts: a cycle in types still means two files that
 * cannot be read one before the other). The file being linted takes its
 * imports from the text ESLint has, not from the disk, so an editor's unsaved
 * change (or a test's snippet) is judged as written. Each import from which
 * the file can be reached again is reported, with the loop. (In an editor's
 * long-running ESLint, other files' edits are seen after a restart of it.)
 *
 * Options: `{ allow: string[] }`: files (relative to the working directory)
 * whose cycles among themselves are tolerated for now.
 */
import { relative } from 'node:path';
import { importGraph, resolveSpec } from '../scripts/import-graph.mjs';

/** @type {Map<string, { graph: Map<string, string[]>, importers: Map<string, string[]> }>} */
const graphs = new Map();

/** The tree's graph from `root`, and who imports each file; read once per process. @param {string} root */
function graphOf(root) {
  let g = graphs.get(root);
  if (!g) {
    const graph = importGraph(root, true);
    /** @type {Map<string, string[]>} */
    const importers = new Map();
    for (const [from, tos] of graph)
      for (const to of tos) importers.set(to, [...(importers.get(to) ?? []), from]);
    graphs.set(root, (g = { graph, importers }));
  }
  return g;
}

/**
 * Every file from which `file` can be reached (walking importers back from it).
 * @param {Map<string, string[]>} importers
 * @param {string} file
 */
function reaching(importers, file) {
  const seen = new Set();
  const queue = [file];
  while (queue.length)
    for (const v of importers.get(/** @type {string} */ (queue.pop())) ?? [])
      if (!seen.has(v)) {
        seen.add(v);
        queue.push(v);
      }
  return seen;
}

/**
 * Shortest path from `from` to `to`, with `file`'s imports replaced by `own`.
 * @param {Map<string, string[]>} graph
 * @param {string} file
 * @param {string[]} own
 * @param {string} from
 * @param {string} to
 * @returns {string[] | undefined}
 */
function pathBetween(graph, file, own, from, to) {
  const next = (/** @type {string} */ v) => (v === file ? own : (graph.get(v) ?? []));
  const prev = new Map([[from, '']]);
  const queue = [from];
  while (queue.length) {
    const v = /** @type {string} */ (queue.shift());
    if (v === to) {
      const path = [v];
      while (prev.get(path[0])) path.unshift(/** @type {string} */ (prev.get(path[0])));
      return path;
    }
    for (const w of next(v))
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid imports that close an import cycle (docs/ARCHITECTURE.md, 14)' },
    schema: [
      {
        type: 'object',
        properties: { allow: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      cycle:
        'import cycle: {{loop}}. Break it: move what both need into a module that imports neither (docs/ARCHITECTURE.md, 14).',
    },
  },
  create(context) {
    const root = context.cwd;
    const abs = context.filename;
    const file = relative(root, abs);
    if (file.startsWith('..') || !/\.tsx?$/.test(file)) return {};
    const allow = new Set(context.options[0]?.allow ?? []);
    /** @type {{ node: import('estree').Node, to: string }[]} */
    const edges = [];
    /** @param {any} node */
    const edge = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string') return;
      const to = resolveSpec(abs, spec);
      if (to) edges.push({ node, to: relative(root, to) });
    };
    return {
      ImportDeclaration: edge,
      ExportNamedDeclaration: edge,
      ExportAllDeclaration: edge,
      'Program:exit'() {
        if (!edges.length) return;
        const { graph, importers } = graphOf(root);
        // One walk per file; the loop itself is found only for an import that closes one.
        const back = reaching(importers, file);
        const own = [...new Set(edges.map((e) => e.to))];
        for (const { node, to } of edges) {
          if (to !== file && !back.has(to)) continue;
          const path = to === file ? [file] : pathBetween(graph, file, own, to, file);
          if (!path) continue;
          const loop = [file, ...path];
          if (loop.every((f) => allow.has(f))) continue;
          context.report({ node, messageId: 'cycle', data: { loop: loop.join(' → ') } });
        }
      },
    };
  },
};
