/** The shipped activities (activities/): each loads with its key, matches the JSON Schemas, and its solution is accepted. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { topologyJsonSchema } from '../formats/json-schema';
import { loadTopologyText } from '../formats/document';
import { serializeTopology } from '../formats/serialize';
import { activityKeyJsonSchema, activityKeyJsonSchemaText } from './key-schema';
import { loadActivityKeyText, loadActivityText } from './load';
import { allChecks } from './checks';
import { prepareSubmission } from './submission';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = join(ROOT, 'activities');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
const names = readdirSync(DIR)
  .filter((f) => /^[0-9]+-[a-z-]+\.yaml$/.test(f))
  .map((f) => f.replace(/\.yaml$/, ''));

describe('shipped activities', () => {
  it('are the classic bridge, a router between two subnets and a lab to repair', () => {
    expect(names).toEqual(['1-bridge', '2-router', '3-repair']);
  });

  it.each(names)('%s: activity and key load with no problem; every file matches its JSON Schema', (name) => {
    const r = loadActivityText(
      read(`${name}.yaml`),
      `${name}.yaml`,
      read(`${name}.key.yaml`),
      `${name}.key.yaml`,
    );
    expect(r.problems).toEqual([]);
    expect(r.keyProblems).toEqual([]);
    expect(allChecks(r.topology!, r.key).filter((c) => c.hidden).length).toBeGreaterThan(0);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const topo = ajv.compile(topologyJsonSchema());
    for (const f of [`${name}.yaml`, `${name}.solution.yaml`])
      expect(topo(parse(read(f))), `${f}: ${JSON.stringify(topo.errors)}`).toBe(true);
    const key = ajv.compile(activityKeyJsonSchema());
    expect(key(parse(read(`${name}.key.yaml`))), JSON.stringify(key.errors)).toBe(true);
  });

  it.each(names)('%s: the reference solution respects the locks and fits a short grading prefix', (name) => {
    const r = loadActivityText(read(`${name}.yaml`), `${name}.yaml`);
    const p = prepareSubmission(parse(read(`${name}.solution.yaml`)), r.topology!, 'g7k0-');
    expect(p.ok ? 'ok' : p.refusal.reason).toBe('ok');
  });

  it.each(names)(
    '%s: saving the activity (YAML and JSON, as the app and `export` do) keeps its activity block',
    (name) => {
      const t = loadActivityText(read(`${name}.yaml`), `${name}.yaml`).topology!;
      for (const format of ['yaml', 'json'] as const) {
        const again = loadTopologyText(serializeTopology(t, { format }), `x.${format}`).topology!;
        expect(again.activity).toEqual(t.activity);
        expect(again.lesson).toEqual(t.lesson);
      }
    },
  );

  it('the committed answer-key schema equals a fresh generation (run `npm run schema`)', () => {
    expect(readFileSync(join(ROOT, 'schema/netplumb-activity-key.schema.json'), 'utf8')).toBe(
      activityKeyJsonSchemaText(),
    );
  });

  it('a bad key is reported with its place', () => {
    const r = loadActivityKeyText(
      'version: 1\nactivity: x\nchecks:\n  - { id: a, kind: teleport }\n',
      'k.yaml',
    );
    expect(r.key).toBeUndefined();
    expect(r.problems[0]).toEqual(expect.objectContaining({ code: 'schema', line: 4 }));
  });
});
