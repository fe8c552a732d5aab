/**
 * `npm run schema`: writes schema/netplumb.schema.json from the zod model.
 * A test fails when the committed file differs from a fresh generation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topologyJsonSchemaText } from '../../shared/formats/json-schema';
import { activityKeyJsonSchemaText } from '../../shared/activity/key-schema';

/** Absolute path of the committed schema file. */
export const SCHEMA_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../schema/netplumb.schema.json',
);

/** Absolute path of the committed answer-key schema file. */
export const KEY_SCHEMA_FILE = resolve(dirname(SCHEMA_FILE), 'netplumb-activity-key.schema.json');

/** Writes the schema file (and the answer-key schema next to it); returns the topology schema's path. */
export function writeSchema(file = SCHEMA_FILE): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, topologyJsonSchemaText());
  writeFileSync(resolve(dirname(file), 'netplumb-activity-key.schema.json'), activityKeyJsonSchemaText());
  return file;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${writeSchema()} and ${KEY_SCHEMA_FILE}`);
}
