/**
 * The engine as a value: the same six calls whether they run in this process
 * (as root) or in the privileged helper (helper-client.ts). Handlers, the
 * Electron main process and the browser-mode server take an `Engine`, so
 * where the kernel work happens is decided once, at start-up.
 */
import {
  applyDocument,
  destroyLab,
  listLabs,
  openLab,
  planDocument,
  statusDocument,
  validateDocument,
} from './engine';

/** The engine facade's shape (see engine.ts for each call). */
export interface Engine {
  validateDocument: typeof validateDocument;
  planDocument: typeof planDocument;
  applyDocument: typeof applyDocument;
  statusDocument: typeof statusDocument;
  destroyLab: typeof destroyLab;
  listLabs: typeof listLabs;
  openLab: typeof openLab;
}

/** The engine running in this process. */
export const localEngine: Engine = {
  validateDocument,
  planDocument,
  applyDocument,
  statusDocument,
  destroyLab,
  listLabs,
  openLab,
};
