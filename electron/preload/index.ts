/**
 * The preload script: exposes ONE object, `window.netplumb`, built from the
 * IPC contract. Each contract channel becomes a function that invokes the
 * channel (main validates everything again); `on` subscribes to the
 * contract's events only.
 *
 * Why nothing else: the page is sandboxed and context-isolated; it must not
 * reach ipcRenderer itself (it could then call any channel name, or listen to
 * anything), so only these wrappers cross the bridge.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, events, type EventName, type NetplumbApi } from '../../shared/ipc/contract';

const EVENT_NAMES: ReadonlySet<string> = new Set(Object.keys(events));

const api: Record<string, unknown> = {};
for (const channel of CHANNELS) {
  api[channel] = (request: unknown) => ipcRenderer.invoke(channel, request ?? {});
}
api.on = (event: EventName, listener: (payload: unknown) => void) => {
  // Why the allowlist: the page may only listen to the contract's events.
  if (!EVENT_NAMES.has(event)) throw new Error(`netplumb has no event "${String(event)}"`);
  if (typeof listener !== 'function') throw new Error('a listener must be a function');
  const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => void ipcRenderer.removeListener(event, wrapped);
};

contextBridge.exposeInMainWorld('netplumb', api as unknown as NetplumbApi);
