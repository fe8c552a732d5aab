/** Types of the editor store (see store.ts). */
import type { Link, LinkEnd, NodeKind, Position, Topology, TopoNode } from '../../shared/model';
import type { DriftItem } from '../../shared/plan/change';
import type { Problem } from '../../shared/validate/problem';
import type { Fragment } from '../../shared/edit/clipboard';
import type { GeneratorSpec } from '../../shared/edit/generators';

/** What is selected on the canvas. */
export interface Selection {
  nodes: string[];
  links: string[];
}

/** The last status answer from the kernel side. */
export interface LabStatus {
  /**
   * The document the kernel side was asked about. The overlay describes only
   * this lab and only objects unchanged since: an answer never paints a
   * different drawing, or a node added after the read, as "in sync".
   */
  doc: Topology;
  applied: boolean;
  inSync: boolean;
  drift: DriftItem[];
  /** When it was read (ms since epoch). */
  at: number;
  /** Why the kernel side could not compare some objects (e.g. a name another lab owns), in plain words. */
  conflicts?: { message: string; nodeId?: string; linkId?: string }[];
}

/** View preferences (not part of the document, not undone). */
export interface ViewPrefs {
  snapToGrid: boolean;
  minimap: boolean;
  theme: 'system' | 'light' | 'dark';
}

/** A patch for a node: any of its fields except id and kind. */
export type NodePatch = Partial<Omit<TopoNode, 'id' | 'kind'>> & Record<string, unknown>;

/** The editor: the document and everything about editing it. */
export interface EditorState {
  doc: Topology;
  /** The document as last opened/saved (dirty = doc !== savedDoc). */
  savedDoc: Topology;
  fileName: string | null;
  /** The text the file was opened from or last saved as (its comments and layout survive Save). */
  originalText: string | null;
  selection: Selection;
  problems: Problem[];
  status: LabStatus | null;
  prefs: ViewPrefs;
  clipboard: Fragment | null;
  /** Bumped each time a document is opened or created (the canvas fits the view). */
  loadSeq: number;
  /** Sizes React Flow measured for each node (kept so derived nodes stay measured). */
  measured: Record<string, { width: number; height: number }>;
  /** Bumped to ask the Inspector to focus a field (e.g. "Rename" in a context menu). */
  focusRequest: { field: 'name'; seq: number } | null;

  addNode(kind: NodeKind, position: Position): string;
  moveNodes(positions: Record<string, Position>): void;
  updateNode(id: string, patch: NodePatch, coalesceKey?: string): void;
  updateLink(id: string, patch: Partial<Pick<Link, 'label' | 'notes'>>, coalesceKey?: string): void;
  updateLinkEnd(id: string, end: 'a' | 'b', patch: Partial<LinkEnd>, coalesceKey?: string): void;
  /** Replaces link `id` as a whole (its id kept): a kind switch, or a kind's own fields. */
  replaceLink(id: string, link: Link, coalesceKey?: string): void;
  updateLab(
    patch: Partial<Pick<Topology, 'name' | 'description' | 'annotations' | 'lesson' | 'activity'>>,
    coalesceKey?: string,
  ): void;
  connect(a: string, b: string): string | null;
  deleteSelection(): void;
  deleteNodes(ids: string[]): void;
  deleteLinks(ids: string[]): void;
  copySelection(): void;
  paste(offset?: Position): void;
  duplicate(ids: string[]): void;
  generate(spec: GeneratorSpec, origin: Position): string[];

  setSelection(sel: Partial<Selection>): void;
  selectAll(): void;
  requestFocus(field: 'name'): void;

  beginDrag(): void;
  dragTo(positions: Record<string, Position>): void;
  endDrag(): void;

  /** Ends folding of typed edits (a field lost focus). */
  endEdit(): void;
  setMeasured(sizes: Record<string, { width: number; height: number }>): void;
  undo(): void;
  redo(): void;

  /** Opens file text (native or importable). A readable file opens even with problems (validate to list them). */
  loadDocument(
    text: string,
    fileName?: string | null,
  ): { ok: true; imported: boolean } | { ok: false; problems: Problem[] };
  loadTopology(doc: Topology, fileName?: string | null, originalText?: string | null): void;
  /** An empty drawing; `name` is its lab's name (the app picks an unused `untitled-N`). */
  newDocument(name?: string): void;
  toDocument(): string;
  markSaved(fileName?: string | null, text?: string): void;

  setProblems(p: Problem[]): void;
  validateNow(): void;
  setStatus(s: LabStatus | null): void;
  setPrefs(p: Partial<ViewPrefs>): void;
}
