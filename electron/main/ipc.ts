/**
 * IPC from the page: every contract channel is registered through
 * `validatedHandle`, which checks who is asking before `dispatch` (handlers.ts)
 * parses the request with the contract's schema.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, type Result } from '../../shared/ipc/contract';
import { dispatch, type HandlerContext } from '../kernel/handlers';
import { isAppUrl } from './policy';

type RawHandler = (event: IpcMainInvokeEvent, raw: unknown) => Promise<Result<unknown>>;

export interface SenderPolicy {
  /** The web contents allowed to call (our windows). */
  isOurContents: (wc: WebContents) => boolean;
  devServerUrl?: string;
}

/**
 * Registers `handler` for `channel`, answering only our own page.
 *
 * Why the sender check: IPC is reachable from any frame of any web contents
 * in this process (a subframe, a page that navigated, a devtools extension).
 * Only the top frame of one of our windows, showing our own page
 * (app://netplumb or, in development, the Vite server), may call the kernel
 * side.
 */
export function validatedHandle(channel: string, handler: RawHandler, policy: SenderPolicy): void {
  ipcMain.handle(channel, async (event, raw): Promise<Result<unknown>> => {
    const frame = event.senderFrame;
    if (
      !frame ||
      frame.parent !== null ||
      !policy.isOurContents(event.sender) ||
      !isAppUrl(frame.url, policy.devServerUrl)
    ) {
      console.error(`netplumb: refused ${channel} from ${frame?.url ?? 'a destroyed frame'}`);
      return { ok: false, error: "refused: this request did not come from netplumb's own page" };
    }
    return handler(event, raw);
  });
}

/** Registers every contract channel; `ctxFor` gives the context for the asking window. */
export function registerContractHandlers(
  ctxFor: (sender: WebContents) => HandlerContext,
  policy: SenderPolicy,
): void {
  for (const channel of CHANNELS) {
    validatedHandle(channel, (event, raw) => dispatch(channel, raw, ctxFor(event.sender)), policy);
  }
}
