/**
 * Test helper process: applies a topology and SIGKILLs itself right before
 * plan step K would run (the steps before it in the same batch do run), as
 * a crash or power loss would. Usage: tsx kill-apply.ts DOC.json RUNDIR K
 */
import { readFileSync } from 'node:fs';
import { applyDocument, planDocument } from '../engine';
import { failingRunner } from './lab-fixture';

const [docFile, runDir, k] = process.argv.slice(2);
const doc = JSON.parse(readFileSync(docFile, 'utf8'));
const plan = await planDocument(doc, { runDir });
const runner = failingRunner(plan.changes, Number(k), undefined, () => process.kill(process.pid, 'SIGKILL'));
await applyDocument(doc, { runDir, runner });
// Not reached when K is a step of the plan.
process.exit(3);
