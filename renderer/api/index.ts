/**
 * The page's only way to the kernel side. `getApi()` returns, in order:
 * the preload's `window.netplumb` (Electron), the in-memory fake when the
 * page's URL has `?fake=1` (or `?fake=fail` to make Apply fail), else the
 * browser-mode WebSocket client.
 */
import type { NetplumbApi } from '../../shared/ipc/contract';
import { createFakeApi } from './fake-api';
import { apiUrlFromLocation, createWsApi, type ConnectionState } from './ws-client';

declare global {
  interface Window {
    /** Exposed by the Electron preload through contextBridge. */
    netplumb?: NetplumbApi;
  }
}

let api: NetplumbApi | null = null;
const stateListeners = new Set<(s: ConnectionState) => void>();
let connState: ConnectionState = 'open';

/** Replaces the API (tests). */
export function setApi(next: NetplumbApi | null): void {
  api = next;
}

/** The connection state of the browser-mode socket ('open' in Electron and fake mode). */
export function connectionState(): ConnectionState {
  return connState;
}

/** Subscribes to connection state changes. */
export function onConnectionState(l: (s: ConnectionState) => void): () => void {
  stateListeners.add(l);
  return () => stateListeners.delete(l);
}

/** The API object for this page. */
export function getApi(): NetplumbApi {
  if (api) return api;
  if (typeof window !== 'undefined' && window.netplumb) {
    api = window.netplumb;
    return api;
  }
  const params = new URLSearchParams(typeof location !== 'undefined' ? location.search : '');
  const fake = params.get('fake');
  if (fake) {
    api = createFakeApi({ failAtStep: fake === 'fail' ? 1 : undefined, stepDelayMs: 60 });
    return api;
  }
  api = createWsApi({
    url: apiUrlFromLocation(location),
    onState: (s) => {
      connState = s;
      stateListeners.forEach((l) => l(s));
    },
  });
  return api;
}
