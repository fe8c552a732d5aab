/* global process, console, URL */
/**
 * The import graph of the tree's own TypeScript, and the cycles in it. Read
 * with the TypeScript parser (one file at a time, no type checking), so it
 * runs in about a second. Plain JavaScript (types in import-graph.d.mts) so
 * that ESLint can load it: the no-import-cycles rule (eslint-rules/) and
 * scripts/import-cycles.test.ts both use it. `node scripts/import-graph.mjs`
 * prints the cycles.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Folders whose sources form the graph. */
export const ROOTS = ['shared', 'electron', 'renderer', 'scripts', 'bench', 'e2e'];
const SKIP = new Set(['node_modules', '__golden__', '__fixtures__', 'out', 'dist', '.vite']);

/** @param {string} dir @param {string[]} [out] @returns {string[]} */
function sources(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * The tree file a relative import names (`./x`, `./x.js`, a folder's index), or undefined.
 * @param {string} from absolute path of the importing file
 * @param {string} spec
 * @returns {string | undefined}
 */
export function resolveSpec(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return undefined;
}

/**
 * True when an import or export statement carries only types (erased at run time).
 * @param {ts.ImportDeclaration | ts.ExportDeclaration} s
 */
function typeOnly(s) {
  if (ts.isImportDeclaration(s)) {
    const c = s.importClause;
    if (!c) return false; // side-effect import
    if (c.isTypeOnly) return true;
    if (c.name) return false;
    const b = c.namedBindings;
    return !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
  }
  if (s.isTypeOnly) return true;
  const e = s.exportClause;
  return !!e && ts.isNamedExports(e) && e.elements.length > 0 && e.elements.every((x) => x.isTypeOnly);
}

/**
 * Runtime imports between the tree's files, relative to `root`: type-only
 * imports are left out, since they vanish when compiled and order nothing.
 * Dynamic `import()` is left out too: it runs later, not at load.
 * @param {string} root @param {boolean} [withTypes] @returns {Map<string, string[]>}
 */
export function importGraph(root, withTypes = false) {
  const graph = new Map();
  for (const file of ROOTS.flatMap((r) => sources(join(root, r)))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
    const deps = new Set();
    for (const s of sf.statements) {
      if (
        !(ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) ||
        !s.moduleSpecifier ||
        (!withTypes && typeOnly(s))
      )
        continue;
      const to = resolveSpec(file, /** @type {ts.StringLiteral} */ (s.moduleSpecifier).text);
      if (to) deps.add(relative(root, to));
    }
    graph.set(relative(root, file), [...deps].sort());
  }
  return graph;
}

/**
 * Strongly connected components with more than one file (or a file importing itself), each sorted.
 * @param {Map<string, string[]>} graph @returns {string[][]}
 */
export function cycles(graph) {
  // Tarjan's algorithm, iterative enough for this tree's depth.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const on = new Set();
  /** @type {string[][]} */
  const out = [];
  /** @param {string} v */
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      /** @type {string[]} */
      const comp = [];
      let w;
      do {
        w = /** @type {string} */ (stack.pop());
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * The graph between folders: `shared/model/x.ts` → `shared/validate/y.ts`
 * becomes `shared/model` → `shared/validate`. `depth` is how many path parts
 * name a folder (2: `shared/model`). Tests are left out: a test may use any
 * layer to check its own.
 * @param {Map<string, string[]>} graph @param {string} prefix @param {number} [depth] @returns {Map<string, string[]>}
 */
export function folderGraph(graph, prefix, depth = 2) {
  /** @param {string} f */
  const folder = (f) => f.split('/').slice(0, depth).join('/');
  /** @type {Map<string, Set<string>>} */
  const out = new Map();
  for (const [from, tos] of graph) {
    if (!from.startsWith(prefix) || /\.test\.tsx?$/.test(from) || from.split('/').length <= depth) continue;
    const a = folder(from);
    if (!out.has(a)) out.set(a, new Set());
    for (const to of tos)
      if (to.startsWith(prefix) && to.split('/').length > depth && folder(to) !== a)
        out.get(a)?.add(folder(to));
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/**
 * One concrete loop through a component, for the message: a → b → … → a.
 * @param {Map<string, string[]>} graph @param {string[]} comp @returns {string[]}
 */
export function loopThrough(graph, comp) {
  const inComp = new Set(comp);
  const start = comp[0];
  const prev = new Map();
  const queue = [start];
  while (queue.length) {
    const v = /** @type {string} */ (queue.shift());
    for (const w of graph.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]));
        return [...path, start];
      }
      if (!prev.has(w) && w !== start) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const g = importGraph(process.cwd(), process.argv.includes('--types'));
  const cs = cycles(g);
  for (const c of cs) console.log(`${c.length} files: ${loopThrough(g, c).join(' → ')}`);
  console.log(`${g.size} files, ${cs.length} cycles`);
  const fg = folderGraph(g, 'shared/');
  for (const c of cycles(fg)) console.log(`shared/ folders: ${loopThrough(fg, c).join(' → ')}`);
}
