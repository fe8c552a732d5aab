/**
 * The benchmark's topology: 1000 nodes and 1000 links, drawn with the app's
 * own generator and connect (the same shapes and addressing a user gets):
 * 100 stars of 9 namespaces around a bridge, laid out on a 10 x 10 grid, and
 * a ring of 100 namespace-to-namespace links joining neighbouring stars.
 */
import { createEditorStore } from '../../renderer/store/store';
import { validateTopology } from '../../renderer/store/validate-doc';
import type { Topology } from '../../shared/model';

/** Stars in the drawing (each: one bridge and 9 namespaces). */
export const STARS = 100;
/** Namespaces per star. */
export const PER_STAR = 9;
/** Grid cell size in flow units (a star's radius is 252: cells keep them apart). */
const CELL = { x: 720, y: 640 };

/** The generated document, its YAML text, and its problem counts (from the app's validator). */
export interface BenchTopology {
  doc: Topology;
  text: string;
  errors: number;
  warnings: number;
}

/** Builds the benchmark topology. */
export function benchTopology(stars = STARS, perStar = PER_STAR): BenchTopology {
  const store = createEditorStore();
  const cols = Math.ceil(Math.sqrt(stars));
  const firstNs: string[] = [];
  for (let i = 0; i < stars; i++) {
    const origin = { x: (i % cols) * CELL.x, y: Math.floor(i / cols) * CELL.y };
    const ids = store.getState().generate({ shape: 'star', count: perStar, hub: 'bridge' }, origin);
    // generate() returns the hub first, then its namespaces.
    firstNs.push(ids[1]);
  }
  // A ring through one namespace of each star: the remaining links, addressed by connect().
  for (let i = 0; i < stars; i++) store.getState().connect(firstNs[i], firstNs[(i + 1) % stars]);
  store.getState().updateLab({ name: `bench-${stars * (perStar + 1)}` });
  const doc = store.getState().doc;
  const problems = validateTopology(doc);
  return {
    doc,
    text: store.getState().toDocument(),
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
  };
}
