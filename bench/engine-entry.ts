/**
 * What the bench runs of the engine in process, bundled by engine-bundle.ts
 * as dist/ is built: one module graph, so the runner, the reader and the
 * engine are the same objects the engine itself compares.
 */
export { applyDocument, destroyLab, planDocument, statusDocument } from '../electron/kernel/engine';
export { labIfaces } from '../electron/kernel/live/lab-ifaces';
export { listNetns } from '../electron/kernel/netns';
export { lastNamespacesMade, readLive } from '../electron/kernel/live-read';
export {
  lastPrimeStats,
  lastReaderStats,
  readerFor,
  safeForRoot,
  useNsread,
} from '../electron/kernel/live-reader';
export { execaRunner } from '../electron/kernel/runner';
