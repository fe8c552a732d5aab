/**
 * `local/layers`: which folders a file may import from, by the folder it is
 * in (docs/ARCHITECTURE.md, layout and 14). Imports are judged by the file
 * they resolve to, so `../cli`, `../../electron/cli/x` and `./../cli/x.js`
 * are all the CLI. Static imports, `export … from` and `import()` with a
 * literal count: a dynamic import still ties the layers together.
 * Packages and Node built-ins are left to `no-restricted-imports`.
 *
 * Options: `{ layers: [{ name, files: string[], may: string[] }] }`: `files`
 * and `may` are folders relative to the working directory; a file's layer is
 * the first whose folder holds it; it may import files under `may` only.
 */
import { dirname, relative, resolve } from 'node:path';

/** @param {string} path @param {string} folder */
const inside = (path, folder) => path === folder || path.startsWith(folder.replace(/\/$/, '') + '/');

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'keep imports within the layers (docs/ARCHITECTURE.md, 14)' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                files: { type: 'array', items: { type: 'string' } },
                may: { type: 'array', items: { type: 'string' } },
              },
              required: ['name', 'files', 'may'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      layer: '{{layer}} may import only from {{may}}; "{{spec}}" is {{target}} (docs/ARCHITECTURE.md, 14).',
    },
  },
  create(context) {
    const root = context.cwd;
    const abs = context.filename;
    const file = relative(root, abs);
    /** @type {{ name: string, files: string[], may: string[] }[]} */
    const layers = context.options[0]?.layers ?? [];
    const layer = layers.find((l) => l.files.some((f) => inside(file, f)));
    if (!layer) return {};
    /** @param {any} node */
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = relative(root, resolve(dirname(abs), spec));
      if (layer.may.some((m) => inside(target, m))) return;
      context.report({
        node,
        messageId: 'layer',
        data: {
          layer: `${layer.name} (${layer.files.join(', ')})`,
          may: layer.may.join(', '),
          spec,
          target: target.startsWith('..') ? 'outside the tree' : `in ${target}`,
        },
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
