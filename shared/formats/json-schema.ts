/**
 * The published JSON Schema of topology files, generated from the zod model
 * (so it cannot disagree with what netplumb reads). Editors use it through
 * `$schema` or a `# yaml-language-server: $schema=...` comment.
 */
import * as z from 'zod';
import { CURRENT_VERSION, Topology } from '../model';

/** The schema's identifier (a URN: the schema is shipped in the repo, not served). */
export const SCHEMA_ID = `urn:netplumb:topology:v${CURRENT_VERSION}`;

/** Where examples and new files point `$schema` (relative to a file in examples/). */
export const SCHEMA_RELATIVE_PATH = '../schema/netplumb.schema.json';

type Json = Record<string, unknown>;

/** Drops `field` from an object schema's `required` list. */
function unrequire(schema: Json, field: string): void {
  if (Array.isArray(schema.required))
    schema.required = (schema.required as string[]).filter((f) => f !== field);
}

/**
 * The JSON Schema (draft-07, the dialect editors support best) of the file
 * form: input mode, so fields with defaults are optional. Files may give a
 * node only an `id` or only a `name` (the other defaults to it) and may omit
 * link ids, as netplumb's reader allows.
 */
export function topologyJsonSchema(): Json {
  const generated = z.toJSONSchema(Topology, { io: 'input', target: 'draft-7' }) as Json;
  const { $schema, ...rest } = generated;
  const schema: Json = {
    $schema,
    $id: SCHEMA_ID,
    title: 'netplumb topology',
    description:
      'A Linux network lab for netplumb: network namespaces, routers, bridges and veth links, with addresses, routes, expectations and canvas positions.',
    ...rest,
  };
  const props = schema.properties as Json;
  const nodes = (props.nodes as Json).items as Json;
  for (const variant of (nodes.oneOf ?? nodes.anyOf) as Json[]) {
    unrequire(variant, 'id');
    unrequire(variant, 'name');
    variant.anyOf = [{ required: ['id'] }, { required: ['name'] }];
  }
  unrequire((props.links as Json).items as Json, 'id');
  return schema;
}

/** The schema file's text as committed in schema/netplumb.schema.json. */
export function topologyJsonSchemaText(): string {
  return JSON.stringify(topologyJsonSchema(), null, 2) + '\n';
}
