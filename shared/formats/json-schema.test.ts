import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { SCHEMA_ID, topologyJsonSchema, topologyJsonSchemaText } from './json-schema';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const schemaFile = join(ROOT, 'schema/netplumb.schema.json');
const examples = readdirSync(join(ROOT, 'examples')).filter(
  (f) => /\.(ya?ml|json)$/.test(f) && !/\.clab\.ya?ml$/.test(f),
);

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(topologyJsonSchema());
}

describe('JSON Schema', () => {
  it('the committed schema equals a fresh generation (run `npm run schema` when the model changes)', () => {
    expect(readFileSync(schemaFile, 'utf8')).toBe(topologyJsonSchemaText());
  });

  it('has an id, title and draft-07 dialect', () => {
    const s = topologyJsonSchema();
    expect(s.$id).toBe(SCHEMA_ID);
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(typeof s.title).toBe('string');
  });

  it.each(examples)('accepts examples/%s', (file) => {
    const validate = validator();
    const data = parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
    const ok = validate(data);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects what netplumb rejects: unknown fields, unknown kinds, a missing lab name', () => {
    const validate = validator();
    const good = { version: 1, name: 'x', nodes: [{ name: 'a', kind: 'namespace' }], links: [] };
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, colour: 'red' })).toBe(false);
    expect(validate({ ...good, nodes: [{ name: 'a', kind: 'toaster' }] })).toBe(false);
    expect(validate({ ...good, nodes: [{ kind: 'namespace' }] })).toBe(false);
    const { name: _name, ...noName } = good;
    expect(validate(noName)).toBe(false);
    expect(
      validate({
        ...good,
        links: [{ a: { node: 'a', ifname: 'e0', up: 'yes' }, b: { node: 'a', ifname: 'e1' } }],
      }),
    ).toBe(false);
  });
});

describe('JSON Schema and the zod model agree', () => {
  it('every valid generated document passes the schema', async () => {
    const fc = (await import('fast-check')).default;
    const { arbValidDocument } = await import('../model/arbitraries');
    const validate = validator();
    fc.assert(
      fc.property(arbValidDocument(), (doc) => {
        const ok = validate(doc);
        expect(validate.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
