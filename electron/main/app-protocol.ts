/**
 * app://netplumb/...: the packaged page's files, served by the main process
 * from the built renderer directory only.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { mimeFor, resolveStatic } from '../common/static-files';
import { APP_HOST, APP_SCHEME, appCsp } from './policy';

/** Must run before `app` is ready: app:// behaves like https (secure, standard). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** Serves app://netplumb/<path> from `rendererDir`; anything else is 404. */
export function handleAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    // Why: only our host name, and only GET; the path is resolved by
    // resolveStatic, which refuses anything outside rendererDir (after
    // decoding and after following symlinks).
    if (url.host !== APP_HOST || request.method !== 'GET') return new Response('not found', { status: 404 });
    const rawPath = request.url.slice(`${APP_SCHEME}://${APP_HOST}`.length) || '/';
    const file = await resolveStatic(rendererDir, rawPath);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(await readFile(file), {
      headers: {
        'Content-Type': mimeFor(file),
        'Content-Security-Policy': appCsp(),
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
