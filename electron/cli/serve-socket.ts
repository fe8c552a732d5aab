/**
 * One browser-mode API socket: reads the page's messages under limits and
 * runs each through handlers.ts `dispatch`.
 *
 * Why every guard here: anything that can reach the port may send anything,
 * and one message must never stop the server for everyone. Sizes are checked
 * on the raw frame (ws `maxPayload`, before any parsing), nesting on the raw
 * text (json-limits.ts), and no error, thrown or emitted, leaves this file.
 */
import type { WebSocket } from 'ws';
import { parseUntrustedJson } from '../../shared/ipc/json-limits';
import { WireId } from '../../shared/ipc/wire';
import { checkEvent, dispatch, releaseContext, type HandlerContext } from '../kernel/handlers';

type Log = (msg: string, err?: unknown) => void;

/** The answer to a message that could not be read as a request. */
const refusal = (error: string) => ({ id: 0, result: { ok: false, error } });

/** Serves one connected socket with a context of its own (its events go only to it). */
export function serveSocket(ws: WebSocket, baseCtx: HandlerContext, log: Log): void {
  const send = (msg: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify(msg));
    } catch (e) {
      log('netplumb serve: could not send an answer', e);
    }
  };
  const ctx: HandlerContext = {
    ...baseCtx,
    emit: (event, payload) => {
      const checked = checkEvent(event, payload);
      if (checked) send({ event, payload: checked });
    },
  };

  const handle = async (data: unknown, isBinary: boolean) => {
    if (isBinary) return send(refusal('binary messages are not accepted'));
    // ws has already checked the size (maxPayload) and that the text is UTF-8.
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data as Buffer[]).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseUntrustedJson(text, 'message');
    if (!parsed.ok) return send(refusal(parsed.error));
    const m = (
      typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
        ? parsed.value
        : {}
    ) as Record<string, unknown>;
    const id = WireId.safeParse(m.id);
    if (!id.success) return send(refusal('the message has no valid id'));
    send({ id: id.data, result: await dispatch(m.channel, m.request, ctx, log) });
  };

  ws.on('message', (data, isBinary) => {
    handle(data, isBinary).catch((e: unknown) => {
      // dispatch never throws by contract; this is the last line of defence.
      log('netplumb serve: a message could not be handled', e);
      send(refusal('netplumb could not handle this message (internal error)'));
    });
  });
  // Why: ws reports an oversized frame, bad UTF-8 or a protocol error as an
  // 'error' event and closes the socket itself; without a listener Node
  // would throw it and end the whole server.
  ws.on('error', (e) => log(`netplumb serve: a page's connection failed: ${e.message}`));
  // A page that goes away leaves no root shell running without a reader.
  ws.on('close', () => releaseContext(ctx));
}
