/* Temporary: the implementations land with the planner/executor (issue 3). */
import type { ApplyOutcome, EngineOptions, LabSummaryT, PlanOutcome, StatusOutcome, ValidateOutcome } from './engine';
const todo = (): never => { throw new Error('engine not built yet'); };
export async function validateDocument(_doc: unknown): Promise<ValidateOutcome> { return todo(); }
export async function planDocument(_doc: unknown, _o?: EngineOptions): Promise<PlanOutcome> { return todo(); }
export async function applyDocument(_doc: unknown, _o?: EngineOptions): Promise<ApplyOutcome> { return todo(); }
export async function statusDocument(_doc: unknown, _o?: EngineOptions): Promise<StatusOutcome> { return todo(); }
export async function destroyLab(_lab: string, _o?: EngineOptions): Promise<{ removed: string[] }> { return todo(); }
export async function listLabs(_o?: EngineOptions): Promise<LabSummaryT[]> { return todo(); }
