/**
 * The published JSON Schema of answer-key files (ACTIVITY.key.yaml),
 * generated from the zod model like the topology schema
 * (schema/netplumb-activity-key.schema.json, written by `npm run schema`).
 */
import * as z from 'zod';
import { ACTIVITY_VERSION, ActivityKey } from '../model';

/** The key schema's identifier. */
const KEY_SCHEMA_ID = `urn:netplumb:activity-key:v${ACTIVITY_VERSION}`;

/** The JSON Schema (draft-07) of the file form (fields with defaults optional). */
export function activityKeyJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ActivityKey, { io: 'input', target: 'draft-7' }) as Record<
    string,
    unknown
  >;
  return {
    $schema,
    $id: KEY_SCHEMA_ID,
    title: 'netplumb activity answer key',
    description:
      'Hidden checks of a netplumb activity, run by `netplumb grade` only; never handed to students.',
    ...rest,
  };
}

/** The schema file's text as committed. */
export function activityKeyJsonSchemaText(): string {
  return JSON.stringify(activityKeyJsonSchema(), null, 2) + '\n';
}
