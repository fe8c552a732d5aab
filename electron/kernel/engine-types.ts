/**
 * The engine's types: its options, what each call returns, and `Engine`, the
 * engine as a value. The CLI, Electron main, the browser-mode server and the
 * handlers take an `Engine`, the same seven calls whether they run in this
 * process as root (engine.ts: localEngine) or in the privileged helper
 * (helper-client.ts), so where the kernel work happens is decided once, at
 * start-up. Each call takes an untrusted document, parses and validates it
 * itself, and returns data shaped like the IPC contract's responses.
 */
import type { z } from 'zod';
import type { ApplyResult, LabSummary } from '../../shared/ipc/contract';
import type { Change, DriftItem } from '../../shared/plan/change';
import type { Problem } from '../../shared/validate/problem';
import type { Topology } from '../../shared/model';
import type { Runner } from './runner';
import type { LabStore } from './lab-store';

export interface EngineOptions {
  /** Process runner (default: execa). Tests inject recorders and failure injectors. */
  runner?: Runner;
  /** Where lab state records, journals and locks live (default /run/netplumb; fixed as root, see run-dir.ts). Code only, never from a request. */
  runDir?: string;
  /** The lab store itself (tests inject failing journals); overrides runDir. */
  store?: LabStore;
  /** Progress of apply/rollback, one call per finished step. */
  onProgress?: (p: {
    lab: string;
    done: number;
    total: number;
    current?: string;
    phase: 'apply' | 'rollback';
  }) => void;
  /** Plain-words notices, e.g. that an interrupted apply was found and rolled back. */
  onNotice?: (message: string) => void;
  /** The file the topology came from (an absolute path), kept in the lab's record; see lab-file.ts. */
  file?: string;
  /** The uid the engine acts for (lab ownership, lab-owner.ts); default: the elevation tool's caller, else this process's uid. Code only. */
  caller?: number;
}

export type ValidateOutcome = { problems: Problem[]; topology?: Topology };
export type PlanOutcome = { problems: Problem[]; changes: Change[] };
export type ApplyOutcome = { problems: Problem[]; result?: z.infer<typeof ApplyResult> };
export type StatusOutcome = { problems: Problem[]; inSync: boolean; applied: boolean; drift: DriftItem[] };
export type LabSummaryT = z.infer<typeof LabSummary>;
/** A lab's record as the page opens it: the document applied last. */
export type LabDocumentT = { lab: string; topology: Topology; appliedAt: string; file?: string };

/** The engine as a value (see the file comment). */
export interface Engine {
  /** Parses and validates a document; the topology only when it has no errors. */
  validateDocument: (doc: unknown) => Promise<ValidateOutcome>;
  /** The changes an apply would make now (reads the host, changes nothing). */
  planDocument: (doc: unknown, o?: EngineOptions) => Promise<PlanOutcome>;
  /** Makes the host match the document, rolling back on failure. */
  applyDocument: (doc: unknown, o?: EngineOptions) => Promise<ApplyOutcome>;
  /** What differs between the document and the host. */
  statusDocument: (doc: unknown, o?: EngineOptions) => Promise<StatusOutcome>;
  /** Removes everything the lab owns on this host. */
  destroyLab: (lab: string, o?: EngineOptions) => Promise<{ removed: string[] }>;
  /** The labs this host has records of. */
  listLabs: (o?: EngineOptions) => Promise<LabSummaryT[]>;
  /** The document a lab was last applied from, or null. */
  openLab: (lab: string, o?: EngineOptions) => Promise<LabDocumentT | null>;
}
